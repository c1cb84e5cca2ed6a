import type { Engine } from '../engine/engine.ts';
import type { ContainerInfo } from '../engine/types.ts';
import { GatewayError, messageOf } from './errors.ts';
import type { LaunchStage } from './types.ts';

export interface ExistingGateway {
  running?: ContainerInfo;
  /** Ours, for this instance, but not running: a launch replaces them. */
  stale: ContainerInfo[];
}

/** This instance's containers, found by label, so that a launch never creates a second one. */
export async function findExisting(engine: Engine, profile: string, instanceId: string): Promise<ExistingGateway> {
  let found: ContainerInfo[];
  try {
    found = await engine.findManaged({ profile, instanceId });
  } catch (err) {
    throw new GatewayError('preflight', `Could not list the gateway containers: ${messageOf(err)}`, { cause: err });
  }
  const running = found.find((c) => c.running || c.status === 'restarting');
  return { ...(running ? { running } : {}), stale: found.filter((c) => c !== running) };
}

/** Removes stopped leftovers of this instance that a launch does not start again (start-again.ts). */
export async function removeStale(engine: Engine, stale: ContainerInfo[], log?: (line: string) => void, stage: LaunchStage = 'preflight'): Promise<void> {
  for (const c of stale) {
    try {
      await engine.removeContainer(c.id);
      log?.(`Removed the stopped gateway container ${c.name}; a fresh one replaces it.`);
    } catch (err) {
      throw new GatewayError(stage, `Could not remove the stopped gateway container ${c.name}: ${messageOf(err)}. Remove it with 'docker rm -f ${c.name}'.`, { cause: err });
    }
  }
}

/**
 * Stops and removes a running gateway that cannot be kept (its config names a data-plane address that is
 * gone): its instance id, certificate and files stay, so the launch that follows recreates it as it was.
 */
export async function retireContainer(engine: Engine, c: ContainerInfo, log?: (line: string) => void): Promise<void> {
  try {
    await engine.stopContainer(c.id, { timeoutSeconds: 10 });
    await engine.removeContainer(c.id);
    log?.(`Removed the gateway container ${c.name}; a fresh one replaces it.`);
  } catch (err) {
    throw new GatewayError('preflight', `Could not replace the gateway container ${c.name}: ${messageOf(err)}. Remove it with 'docker rm -f ${c.name}', then launch again.`, { cause: err });
  }
}
