import { join } from 'node:path';
import { PRIVATE_FILE_MODE, writeFileAtomic } from '../credentials/atomic-write.ts';
import type { Engine } from '../engine/engine.ts';
import type { ContainerInfo } from '../engine/types.ts';
import { redactSecrets } from '../log/redact.ts';
import { GatewayError, messageOf } from './errors.ts';
import { logTail } from './gateway-user.ts';
import { instanceContainers } from './instance-lookup.ts';
import { LABEL_INSTANCE_NAME, instancePaths } from './paths.ts';
import { retireCertificates, type RetireWith } from './revoke.ts';

export interface StopResult {
  instanceId?: string;
  stopped: string[];
  removed: string[];
  /** Where the log of a crashed container that this stop removed was kept. */
  keptLogs: string[];
  /** With `remove` and `retire`: the certificate serials the control plane revoked. */
  revoked?: string[];
}

/** Exited with an error (or killed), or dead: it cannot be started again usefully, a launch replaces it. */
function crashed(c: ContainerInfo): boolean {
  return c.status === 'dead' || (c.status === 'exited' && c.exitCode !== undefined && c.exitCode !== 0);
}

/** The crashed container's last log lines, kept beside its instance files before it goes. */
async function keepCrashLog(engine: Engine, home: string, profile: string, c: ContainerInfo): Promise<string | undefined> {
  const lines = await logTail(engine, c.id, 200);
  if (lines.length === 0) return undefined;
  const dir = instancePaths(home, profile, c.labels[LABEL_INSTANCE_NAME] ?? 'default').dir;
  const file = join(dir, 'last-crash.log');
  try {
    writeFileAtomic(file, redactSecrets(`${c.name} exited with code ${c.exitCode ?? 'unknown'}\n${lines.join('\n')}\n`), PRIVATE_FILE_MODE);
    return file;
  } catch {
    return undefined;
  }
}

/**
 * Stops this instance's gateway (and with `remove`, removes its container). Nothing to stop is not an
 * error. A crashed container is removed too (its log kept), so that Stop takes an Error to Stopped.
 */
export async function stopGateway(
  engine: Engine,
  where: { home: string; profile: string; instanceName?: string },
  opts: { remove?: boolean; timeoutSeconds?: number; retire?: RetireWith } = {},
): Promise<StopResult> {
  const { instanceId, containers } = await instanceContainers(engine, where.home, where.profile, where.instanceName);
  const result: StopResult = { ...(instanceId ? { instanceId } : {}), stopped: [], removed: [], keptLogs: [] };
  for (const c of containers) {
    try {
      if (c.running || c.status === 'restarting' || c.status === 'paused') {
        await engine.stopContainer(c.id, { timeoutSeconds: opts.timeoutSeconds ?? 10 });
        result.stopped.push(c.name);
      } else if (crashed(c)) {
        const kept = await keepCrashLog(engine, where.home, where.profile, c);
        if (kept) result.keptLogs.push(kept);
        await engine.removeContainer(c.id);
        result.removed.push(c.name);
        continue;
      }
      if (opts.remove) {
        await engine.removeContainer(c.id);
        result.removed.push(c.name);
      }
    } catch (err) {
      throw new GatewayError('stop', `Could not stop the gateway container ${c.name}: ${messageOf(err)}`, { cause: err });
    }
  }
  if (opts.remove && opts.retire) {
    // Gone for good: its certificate is revoked, so a copy of the key can't heartbeat as this gateway.
    const clusterId = await opts.retire.clusterId().catch((err: unknown) => {
      opts.retire?.log?.(`The control plane did not answer, so the certificate is deleted but not revoked: ${messageOf(err)}`);
      return undefined;
    });
    result.revoked = await retireCertificates(opts.retire.client, clusterId, where, opts.retire.log);
  }
  return result;
}
