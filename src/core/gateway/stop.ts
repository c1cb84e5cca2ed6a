import type { Engine } from '../engine/engine.ts';
import { GatewayError, messageOf } from './errors.ts';
import { instanceContainers } from './instance-lookup.ts';

export interface StopResult {
  instanceId?: string;
  stopped: string[];
  removed: string[];
}

/** Stops this instance's gateway (and with `remove`, removes its container). Nothing to stop is not an error. */
export async function stopGateway(
  engine: Engine,
  where: { home: string; profile: string; instanceName?: string },
  opts: { remove?: boolean; timeoutSeconds?: number } = {},
): Promise<StopResult> {
  const { instanceId, containers } = await instanceContainers(engine, where.home, where.profile, where.instanceName);
  const result: StopResult = { ...(instanceId ? { instanceId } : {}), stopped: [], removed: [] };
  for (const c of containers) {
    try {
      if (c.running || c.status === 'restarting' || c.status === 'paused') {
        await engine.stopContainer(c.id, { timeoutSeconds: opts.timeoutSeconds ?? 10 });
        result.stopped.push(c.name);
      }
      if (opts.remove) {
        await engine.removeContainer(c.id);
        result.removed.push(c.name);
      }
    } catch (err) {
      throw new GatewayError('stop', `Could not stop the gateway container ${c.name}: ${messageOf(err)}`, { cause: err });
    }
  }
  return result;
}
