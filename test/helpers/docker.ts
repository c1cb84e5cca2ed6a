import { randomUUID } from 'node:crypto';
import Docker from 'dockerode';

/** The daemon the integration tests use: the system one, which CI starts when none answers. */
export const TEST_DOCKER_SOCKET = '/var/run/docker.sock';

/** The stand-in gateway image, built and pushed by `npm run fixtures:images`. */
export const STANDIN_IMAGE = '127.0.0.1:5000/gateway-tray/apisix-standin:test';
export const LOCAL_REGISTRY = '127.0.0.1:5000';

/** Label put on everything a test creates, so cleanup can find it even when a test fails half-way. */
export const TEST_LABEL = 'io.gateway-tray.test-run';

/**
 * A dockerode client for tests that **fails** (never skips) when no daemon answers: the integration tests
 * are about the real engine, and CI must not pass without one.
 */
export async function testDocker(): Promise<Docker> {
  const docker = new Docker({ socketPath: TEST_DOCKER_SOCKET, host: undefined, port: undefined, protocol: 'http' });
  try {
    await (docker.ping as unknown as (o: object) => Promise<unknown>).call(docker, { abortSignal: AbortSignal.timeout(5000) });
  } catch (err) {
    throw new Error(
      `No Docker daemon answers at unix://${TEST_DOCKER_SOCKET} (${(err as Error).message}): the integration tests need one; .ci/run starts it`,
      { cause: err },
    );
  }
  return docker;
}

/** A fresh label value for one test, e.g. `io.gateway-tray.test-run=engine-3f2a…`. */
export function testRunId(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** Removes every container carrying `label=value` (forced, with anonymous volumes). Returns how many. */
export async function removeContainersByLabel(docker: Docker, label: string, value?: string): Promise<number> {
  const filter = value === undefined ? label : `${label}=${value}`;
  const list = await docker.listContainers({ all: true, filters: { label: [filter] } });
  for (const c of list) {
    try {
      await docker.getContainer(c.Id).remove({ force: true, v: true });
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode !== 404) throw err;
    }
  }
  return list.length;
}

/** Makes sure the stand-in image is on the daemon, pulling it from the local registry if not. */
export async function ensureStandinImage(docker: Docker): Promise<void> {
  try {
    await docker.getImage(STANDIN_IMAGE).inspect();
    return;
  } catch {
    // fall through to the pull
  }
  const stream = await docker.pull(STANDIN_IMAGE);
  await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (err) => (err ? reject(err) : resolve())));
}

export { freePort, occupyPort } from './free-port.ts';

