import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ETCD_BINARY, freePort } from './etcd.ts';
import { waitFor } from './wait-for.ts';

export interface EtcdMember {
  name: string;
  url: string;
  readonly pid: number | undefined;
  running(): boolean;
  /** Kills this member by its pid (SIGKILL: a crash, not a shutdown). */
  kill(): Promise<void>;
  /** Starts it again on the same ports and data. */
  start(): Promise<void>;
}

export interface RunningEtcdCluster {
  members: EtcdMember[];
  urls: string[];
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

async function healthy(url: string): Promise<boolean> {
  const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
  return ((await res.json()) as { health?: string }).health === 'true';
}

/**
 * A real three-member etcd cluster on 127.0.0.1 (Debian's /usr/bin/etcd), on free ports, each member a
 * process of its own that a test can kill and start again by pid.
 */
export async function startEtcdCluster(size = 3): Promise<RunningEtcdCluster> {
  const dir = await mkdtemp(join(tmpdir(), 'gt-etcd-cluster-'));
  const specs: { name: string; client: string; peer: string }[] = [];
  for (let i = 0; i < size; i++) specs.push({ name: `m${i}`, client: `http://127.0.0.1:${await freePort()}`, peer: `http://127.0.0.1:${await freePort()}` });
  const initialCluster = specs.map((s) => `${s.name}=${s.peer}`).join(',');
  const children = new Map<string, ChildProcess>();
  const killAll = () => {
    for (const c of children.values()) if (c.exitCode === null && c.pid !== undefined) {
      try {
        process.kill(c.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', killAll);

  const spawnMember = (s: (typeof specs)[number], state: 'new' | 'existing') => {
    const child = spawn(
      ETCD_BINARY,
      [
        '--name', s.name,
        '--data-dir', join(dir, s.name),
        '--listen-client-urls', s.client,
        '--advertise-client-urls', s.client,
        '--listen-peer-urls', s.peer,
        '--initial-advertise-peer-urls', s.peer,
        '--initial-cluster', initialCluster,
        '--initial-cluster-state', state,
        '--initial-cluster-token', 'gt-test',
        '--heartbeat-interval', '50',
        '--election-timeout', '500',
        '--log-level', 'error',
        '--logger', 'zap',
      ],
      { stdio: ['ignore', 'ignore', 'ignore'] },
    );
    children.set(s.name, child);
    return child;
  };

  const members: EtcdMember[] = specs.map((s) => ({
    name: s.name,
    url: s.client,
    get pid() {
      return children.get(s.name)?.pid;
    },
    running: () => {
      const c = children.get(s.name);
      return c !== undefined && c.exitCode === null && c.signalCode === null;
    },
    kill: async () => {
      const c = children.get(s.name);
      if (!c || c.exitCode !== null || c.signalCode !== null || c.pid === undefined) return;
      process.kill(c.pid, 'SIGKILL');
      await exited(c);
    },
    start: async () => {
      spawnMember(s, 'existing');
      await waitFor(() => healthy(s.client), { timeoutMs: 20_000, what: `etcd member ${s.name} to be healthy again` });
    },
  }));

  try {
    for (const s of specs) spawnMember(s, 'new');
    await waitFor(async () => (await Promise.all(specs.map((s) => healthy(s.client)))).every(Boolean), { timeoutMs: 30_000, what: 'a 3-member etcd cluster to be healthy' });
  } catch (err) {
    killAll();
    process.off('exit', killAll);
    throw err;
  }
  return {
    members,
    urls: specs.map((s) => s.client),
    stop: async () => {
      process.off('exit', killAll);
      await Promise.all(
        [...children.values()].map(async (c) => {
          if (c.exitCode === null && c.signalCode === null && c.pid !== undefined) {
            process.kill(c.pid, 'SIGTERM');
            const t = setTimeout(() => c.exitCode === null && c.pid !== undefined && process.kill(c.pid, 'SIGKILL'), 5000);
            await exited(c);
            clearTimeout(t);
          }
        }),
      );
      await rm(dir, { recursive: true, force: true });
    },
  };
}
