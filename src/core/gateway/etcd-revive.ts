import type { Engine } from '../engine/engine.ts';
import { readBackgroundRecord, recordBackgroundEtcd, startLockFile } from './background-record.ts';
import { etcdHealthy } from './etcd-health.ts';
import { ensureLocalEtcd } from './etcd-process.ts';
import { readEtcdRecord } from './etcd-record.ts';
import { loadEtcdClientTls } from './etcd-tls.ts';
import { messageOf } from './errors.ts';
import { acquireLock } from './home-lock.ts';

export interface ReviveEtcdOptions {
  home: string;
  env?: NodeJS.ProcessEnv;
  engine?: Engine;
  etcdImage?: string;
  log?: (line: string) => void;
}

/**
 * The background control plane answers, but the etcd this home started for it is gone (killed, or
 * crashed): it is started again on the same data and the same address, so the running control plane
 * reconnects and the gateway gets its configuration back without being touched. This is what the
 * status's "launch again to restart the config centre" does. An etcd the user named (`--etcd`) is not
 * this home's to start, and is left alone. Resolves what it did, for the launch to say.
 */
export async function reviveLocalEtcd(opts: ReviveEtcdOptions): Promise<string | undefined> {
  const bg = readBackgroundRecord(opts.home);
  const recorded = readEtcdRecord(opts.home);
  if (!bg?.etcd || !recorded || recorded.url !== bg.etcd.url) return undefined;
  const healthy = () => etcdHealthy(recorded.url, 1500, recorded.url.startsWith('https:') ? loadEtcdClientTls(opts.home) : undefined);
  if (await healthy()) return undefined;
  // One start at a time per home: a second launch waits, and finds it healthy.
  const taken = await acquireLock<true>(startLockFile(opts.home), { timeoutMs: 60_000, whileWaiting: async () => ((await healthy()) ? true : undefined) });
  if ('found' in taken) return undefined;
  try {
    if (await healthy()) return undefined;
    const etcd = await ensureLocalEtcd(opts.home, opts.env, {
      ...(opts.engine ? { engine: opts.engine } : {}),
      ...(opts.etcdImage ? { etcdImage: opts.etcdImage } : {}),
      ...(opts.log ? { log: opts.log } : {}),
    });
    recordBackgroundEtcd(opts.home, etcd);
    const what = etcd.pid !== undefined ? `pid ${etcd.pid}` : `container ${etcd.container?.slice(0, 12) ?? '?'}`;
    if (etcd.url !== recorded.url) {
      return `The control plane's etcd (${recorded.url}) had stopped; it was started again on the same data, but at ${etcd.url} as its old address is taken: stop the control plane ('gateway-tray control-plane stop') and launch again so that it uses it.`;
    }
    return `The control plane's etcd (${recorded.url}) had stopped; started it again on the same data (${what}).`;
  } catch (err) {
    return `The control plane's etcd (${recorded.url}) had stopped and could not be started again: ${messageOf(err)}`;
  } finally {
    taken.lock.release();
  }
}
