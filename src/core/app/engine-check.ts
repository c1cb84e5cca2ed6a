import type { EngineCheck } from '../../contract/ipc-contract.ts';
import type { DiscoveryResult } from '../engine/types.ts';
import type { Engine } from '../engine/engine.ts';
import { messageOf } from '../gateway/errors.ts';

/** What to do when the engine does not answer, for this platform and this failure. */
export function engineFixHint(problem: string, platform: NodeJS.Platform, endpoint: string): string {
  if (/EACCES|permission denied/i.test(problem)) {
    return platform === 'linux'
      ? `Your user may not use ${endpoint}: add it to the docker group ('sudo usermod -aG docker $USER'), log out and back in, then retry.`
      : `Your user may not use ${endpoint}: check Docker's settings, then retry.`;
  }
  if (platform === 'darwin') return 'Start Docker Desktop (or Colima, Rancher Desktop, OrbStack or Podman), wait until it says it is running, then retry.';
  if (platform === 'win32') return 'Start Docker Desktop, wait until it says it is running, then retry.';
  return `Start the Docker daemon ('sudo systemctl start docker', or Docker Desktop, Podman or Rancher Desktop), or point DOCKER_HOST at a running engine, then retry. Tried: ${endpoint}.`;
}

/** Pings the engine the app chose, and says which endpoint won, why, and how to fix a failure. */
export async function checkEngineNow(engine: Engine, discovery: DiscoveryResult, platform: NodeJS.Platform = process.platform): Promise<EngineCheck> {
  const endpoint = engine.endpoint.url;
  const reason = discovery.reason;
  try {
    const v = await engine.ping({ timeoutMs: 5000 });
    return { ok: true, endpoint, reason, version: `Docker ${v.version} (API ${v.apiVersion}, ${v.os}/${v.arch})` };
  } catch (err) {
    const problem = messageOf(err);
    return { ok: false, endpoint, reason, problem, fixHint: engineFixHint(problem, platform, endpoint) };
  }
}
