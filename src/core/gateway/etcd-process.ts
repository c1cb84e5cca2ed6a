import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { ensureDir, PRIVATE_DIR_MODE, writeFileAtomic } from '../credentials/atomic-write.ts';
import { isPortFree, pickPort } from './free-port.ts';
import { GatewayError } from './errors.ts';
import { alive, startBackground, tailOf } from './background-process.ts';

const recordSchema = z.object({ url: z.string().url(), pid: z.number().int().positive() });

/** An etcd binary on PATH (Debian's etcd-server installs /usr/bin/etcd). */
export function findEtcdBinary(env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const candidate = join(dir, 'etcd');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

export async function etcdHealthy(url: string, timeoutMs = 1500): Promise<boolean> {
  try {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(timeoutMs) });
    return ((await res.json()) as { health?: string }).health === 'true';
  } catch {
    return false;
  }
}

export interface LocalEtcd {
  url: string;
  pid?: number;
  started: boolean;
  logFile?: string;
}

/**
 * The etcd behind the local control plane when none was named: the one this app started before (its
 * url and pid are in $GATEWAY_TRAY_HOME/etcd/etcd.json), else the PATH's `etcd` started in the
 * background on 127.0.0.1 with its data under GATEWAY_TRAY_HOME.
 */
export async function ensureLocalEtcd(home: string, env: NodeJS.ProcessEnv = process.env, timeoutMs = 30_000): Promise<LocalEtcd> {
  const dir = join(home, 'etcd');
  const recordFile = join(dir, 'etcd.json');
  if (existsSync(recordFile)) {
    const record = recordSchema.safeParse(JSON.parse(readFileSync(recordFile, 'utf8') || '{}'));
    if (record.success && alive(record.data.pid) && (await etcdHealthy(record.data.url))) return { url: record.data.url, pid: record.data.pid, started: false };
  }
  const binary = findEtcdBinary(env);
  if (!binary) {
    throw new GatewayError(
      'control-plane',
      "The local control plane needs etcd 3.4 or later, and none was found: install it (Debian/Ubuntu: 'sudo apt install etcd-server'; macOS: 'brew install etcd'), or pass '--etcd http://127.0.0.1:2379' for one that runs.",
    );
  }
  ensureDir(dir, PRIVATE_DIR_MODE);
  const clientPort = (await isPortFree(2379)) ? 2379 : await pickPort();
  const peerPort = (await isPortFree(2380)) ? 2380 : await pickPort();
  const url = `http://127.0.0.1:${clientPort}`;
  const peer = `http://127.0.0.1:${peerPort}`;
  const logFile = join(dir, 'etcd.log');
  const proc = startBackground(
    binary,
    ['--name', 'gateway-tray', '--data-dir', join(dir, 'data'), '--listen-client-urls', url, '--advertise-client-urls', url,
      '--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer, '--initial-cluster', `gateway-tray=${peer}`, '--log-level', 'warn', '--logger', 'zap'],
    { logFile, pidFile: join(dir, 'etcd.pid') },
    env,
  );
  let exitCode: number | null | undefined;
  void proc.exited.then((code) => (exitCode = code));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) break;
    if (await etcdHealthy(url)) {
      writeFileAtomic(recordFile, `${JSON.stringify({ url, pid: proc.pid })}\n`, 0o600);
      return { url, pid: proc.pid, started: true, logFile };
    }
    await sleep(200);
  }
  if (exitCode === undefined && alive(proc.pid)) process.kill(proc.pid, 'SIGTERM');
  throw new GatewayError('control-plane', `etcd (${binary}) did not become healthy on ${url}; its log (${logFile}) ends with:\n${tailOf(logFile).join('\n')}`);
}
