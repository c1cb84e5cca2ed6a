import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './wait-for.ts';
import { freePort } from './free-port.ts';

export const ETCD_BINARY = '/usr/bin/etcd';

export interface RunningEtcd {
  url: string;
  pid: number;
  dataDir: string;
  /** Stops this etcd (by its pid) and removes its data folder. Safe to call twice. */
  stop(): Promise<void>;
}

/** Re-exported: the etcd helpers' callers have long taken it from here. */
export { freePort };

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/**
 * Starts Debian's etcd on 127.0.0.1 with random client and peer ports and a temporary data folder, and
 * waits until it reports healthy. A missing binary fails the test: it is never skipped.
 */
export async function startEtcd(opts: { timeoutMs?: number } = {}): Promise<RunningEtcd> {
  const dataDir = await mkdtemp(join(tmpdir(), 'gt-etcd-'));
  const [clientPort, peerPort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const child = spawn(
    ETCD_BINARY,
    [
      '--name', 'test',
      '--data-dir', join(dataDir, 'data'),
      '--listen-client-urls', url,
      '--advertise-client-urls', url,
      '--listen-peer-urls', peer,
      '--initial-advertise-peer-urls', peer,
      '--initial-cluster', `test=${peer}`,
      '--log-level', 'error',
      '--logger', 'zap',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  // A test process that exits without calling stop() must not leave etcd running.
  const killOnExit = () => {
    if (child.exitCode === null && child.pid !== undefined) {
      try {
        process.kill(child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  process.once('exit', killOnExit);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const spawnError = new Promise<never>((_, reject) => {
    child.once('error', (err) => reject(new Error(`cannot start ${ETCD_BINARY} (${err.message}); install Debian's etcd-server`)));
  });
  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      process.kill(child.pid, 'SIGTERM');
      const killer = setTimeout(() => child.pid !== undefined && child.exitCode === null && process.kill(child.pid, 'SIGKILL'), 5000);
      await exited(child);
      clearTimeout(killer);
    }
    await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await Promise.race([
      spawnError,
      waitFor(
        async () => {
          if (child.exitCode !== null) throw new Error(`etcd exited with ${child.exitCode}: ${stderr}`);
          const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
          const body = (await res.json()) as { health?: string };
          return body.health === 'true';
        },
        { timeoutMs: opts.timeoutMs ?? 20_000, what: `etcd on ${url} to report healthy` },
      ),
    ]);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, pid: child.pid ?? 0, dataDir, stop };
}
