import { join } from 'node:path';
import type { Engine } from '../engine/engine.ts';
import { alive } from '../gateway/background-process.ts';
import { startLockFile } from '../gateway/background-record.ts';
import { etcdHealthy } from '../gateway/etcd-health.ts';
import { ensureLocalEtcd, isOurEtcdProcess, stopPid, type LocalEtcd } from '../gateway/etcd-process.ts';
import { etcdDir } from '../gateway/etcd-record.ts';
import { messageOf } from '../gateway/errors.ts';
import { acquireLock } from '../gateway/home-lock.ts';
import type { SupervisedComponent } from './component-supervisor.ts';

export interface EtcdComponentOptions {
  home: string;
  env: NodeJS.ProcessEnv;
  engine?: Engine;
  etcdImage?: string;
  log?: (line: string) => void;
  /** How long a /health may take before it counts as a miss. */
  checkTimeoutMs?: number;
  /** It was started again (records beside etcd.json, such as the background control plane's, follow). */
  onRestarted?: (etcd: LocalEtcd) => void;
}

export interface SupervisedEtcd extends SupervisedComponent {
  /** The etcd as it runs now: a restart replaces the pid (or container) the host started with. */
  current(): LocalEtcd;
  /** Whether this app started the etcd that runs now (then it stops it on quit). */
  startedHere(): boolean;
}

/**
 * This home's etcd, as the supervisor sees it: healthy when its pid lives and `/health` answers over its
 * client-certificate TLS; restarted through ensureLocalEtcd, which brings a dead recorded etcd back on
 * its old address and data (so the running control plane reconnects) and records the new pid. One start
 * at a time per home: the restart holds the home's start lock, as a CLI `launch` does.
 */
export function supervisedEtcd(initial: LocalEtcd, opts: EtcdComponentOptions): SupervisedEtcd {
  let etcd = initial;
  let ours = initial.started;
  const healthy = () => etcdHealthy(etcd.url, opts.checkTimeoutMs ?? 3000, etcd.tls);
  return {
    id: 'etcd',
    get owner() {
      return ours ? ('this-app' as const) : ('other-process' as const);
    },
    current: () => etcd,
    startedHere: () => ours,
    facts: () => ({
      url: etcd.url,
      port: Number(new URL(etcd.url).port) || undefined,
      ...(etcd.pid !== undefined ? { pid: etcd.pid, logFile: etcd.logFile ?? join(etcdDir(opts.home), 'etcd.log') } : {}),
      ...(etcd.container ? { container: etcd.container } : {}),
    }),
    async check() {
      // A dead pid needs no TLS handshake to tell.
      if (etcd.pid !== undefined && !alive(etcd.pid)) return `etcd (pid ${etcd.pid}) is not running`;
      return (await healthy()) ? undefined : `etcd at ${etcd.url} does not answer /health`;
    },
    async restart({ requested }) {
      // A restart the user asked for goes on even while etcd answers; the supervisor's own stops there.
      const taken = await acquireLock<true>(startLockFile(opts.home), { timeoutMs: 60_000, whileWaiting: async () => (!requested && (await healthy()) ? true : undefined) });
      if ('found' in taken) return; // another process brought it back meanwhile
      try {
        // Ours and still there (hung, or the user asked): it holds the data folder, so it goes first.
        if (etcd.pid !== undefined && isOurEtcdProcess(etcd.pid, opts.home) && (requested || !(await healthy()))) await stopPid(etcd.pid, 10_000);
        if (etcd.container && requested && opts.engine) await opts.engine.stopContainer(etcd.container, { timeoutSeconds: 10 });
        const before = etcd;
        const next = await ensureLocalEtcd(opts.home, opts.env, {
          ...(opts.engine ? { engine: opts.engine } : {}),
          ...(opts.etcdImage ? { etcdImage: opts.etcdImage } : {}),
          ...(opts.log ? { log: opts.log } : {}),
        });
        etcd = next;
        opts.onRestarted?.(next);
        // Restarted by this app (or a container it restarted): it is this app's to stop on quit.
        ours = next.started || ours;
        const what = next.pid !== undefined ? `pid ${next.pid}` : `container ${next.container?.slice(0, 12) ?? '?'}`;
        if (next.url !== before.url) {
          opts.log?.(`etcd was started again (${what}), but at ${next.url} as ${before.url} is taken; the control plane reaches it after the app restarts.`);
        } else {
          opts.log?.(`etcd had stopped; started it again on the same data and address (${what}, ${next.url}).`);
        }
      } catch (err) {
        throw new Error(`etcd could not be started again: ${messageOf(err)}`, { cause: err });
      } finally {
        taken.lock.release();
      }
    },
  };
}
