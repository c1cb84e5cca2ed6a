import { recordBackgroundEtcd } from '../gateway/background-record.ts';
import { readEtcdRecord } from '../gateway/etcd-record.ts';
import { loadEtcdClientTls } from '../gateway/etcd-tls.ts';
import type { EtcdTls } from '../../control-plane/etcd/transport.ts';
import { supervisedEtcd } from './etcd-component.ts';
import { HomeSupervisor } from './home-supervisor.ts';

export interface BackgroundEtcdOptions {
  home: string;
  env: NodeJS.ProcessEnv;
  /** The etcd this control plane was started against (`--etcd`). */
  etcdUrl: string;
  /** The slow check's pace; 0 turns supervision off (tests of what `launch` does alone). */
  everyMs?: number;
  log?: (line: string) => void;
}

/**
 * The CLI's background control plane is the one process that runs all day without the app, so it
 * supervises the etcd `launch` started for this home (the one etcd.json records, at the address this
 * control plane uses): a killed etcd comes back by itself on the same data and address, and
 * background.json names the new pid, so `control-plane stop` stops that one. An etcd the user named is
 * not the home's and is left alone. Resolves the stop, or undefined when there is nothing to supervise.
 */
export function superviseBackgroundEtcd(o: BackgroundEtcdOptions): (() => Promise<void>) | undefined {
  if (o.everyMs === 0) return undefined;
  const recorded = readEtcdRecord(o.home);
  // An etcd container has Docker to restart it; an etcd process has only us.
  if (!recorded || recorded.url !== o.etcdUrl || !('pid' in recorded)) return undefined;
  const tls = loadEtcdClientTls(o.home) as EtcdTls;
  const etcd = supervisedEtcd(
    { url: recorded.url, tls, pid: recorded.pid, started: false },
    {
      home: o.home,
      env: o.env,
      ...(o.log ? { log: o.log } : {}),
      onRestarted: (next) => recordBackgroundEtcd(o.home, next),
    },
  );
  const supervisor = new HomeSupervisor([etcd], { ...(o.everyMs !== undefined ? { everyMs: o.everyMs } : {}), ...(o.log ? { log: o.log } : {}) });
  supervisor.start();
  return () => supervisor.stop();
}
