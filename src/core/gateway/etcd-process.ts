import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureDir, PRIVATE_DIR_MODE } from '../credentials/atomic-write.ts';
import type { Engine } from '../engine/engine.ts';
import type { PullProgress } from '../engine/types.ts';
import { isPortFree, pickPort } from './free-port.ts';
import { GatewayError } from './errors.ts';
import { alive, startBackground, tailOf } from './background-process.ts';
import { ensureEtcdContainer } from './etcd-container.ts';
import { etcdHealthy } from './etcd-health.ts';
import { resolveEtcdImage } from './etcd-image.ts';
import { etcdDir, readEtcdRecord, writeEtcdRecord, type EtcdRecord } from './etcd-record.ts';

export { etcdHealthy } from './etcd-health.ts';

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

export interface LocalEtcd {
  url: string;
  pid?: number;
  /** The Docker id, when etcd runs as a container. */
  container?: string;
  started: boolean;
  logFile?: string;
}

export interface LocalEtcdOptions {
  /** The app's engine: without an etcd binary, etcd runs as a container through it when Docker answers. */
  engine?: Engine;
  /** The etcd image (already resolved from flag or setting); else GATEWAY_TRAY_ETCD_IMAGE, else the default. */
  etcdImage?: string;
  onProgress?: (progress: PullProgress) => void;
  signal?: AbortSignal;
  /** The container's data volume (tests use a fresh one). */
  volume?: string;
  /** Where the volume is mounted in the image (see EtcdContainerOptions.dataPath). */
  dataPath?: string;
  timeoutMs?: number;
}

export type EtcdSource = 'record' | 'binary' | 'container' | 'none';

/** The decision order, as a pure function: the recorded etcd, the PATH's binary, a container, or nothing. */
export function chooseEtcdSource(facts: { recordHealthy: boolean; binary: boolean; engineAnswers: boolean }): EtcdSource {
  if (facts.recordHealthy) return 'record';
  if (facts.binary) return 'binary';
  return facts.engineAnswers ? 'container' : 'none';
}

async function recordHealthy(record: EtcdRecord | undefined, engine: Engine | undefined): Promise<boolean> {
  if (!record) return false;
  if ('pid' in record) return alive(record.pid) && (await etcdHealthy(record.url));
  if (!(await etcdHealthy(record.url))) return false;
  // Another etcd may hold the port now; with an engine at hand, make sure it is still our container.
  if (!engine) return true;
  const info = await engine.inspectContainer(record.container).catch(() => undefined);
  return info?.running === true;
}

async function engineAnswers(engine: Engine | undefined): Promise<boolean> {
  if (!engine) return false;
  try {
    await engine.ping({ timeoutMs: 3000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * The etcd behind the local control plane when none was named: the one this app started before (its
 * url and pid or container are in $GATEWAY_TRAY_HOME/etcd/etcd.json), else the PATH's `etcd` started in
 * the background on 127.0.0.1 with its data under GATEWAY_TRAY_HOME, else an etcd container through the
 * engine when Docker answers.
 */
export async function ensureLocalEtcd(home: string, env: NodeJS.ProcessEnv = process.env, opts: LocalEtcdOptions = {}): Promise<LocalEtcd> {
  const record = readEtcdRecord(home);
  const binary = findEtcdBinary(env);
  const source = chooseEtcdSource({
    recordHealthy: await recordHealthy(record, opts.engine),
    binary: binary !== undefined,
    engineAnswers: binary === undefined && (await engineAnswers(opts.engine)),
  });
  if (source === 'record' && record) return { url: record.url, ...('pid' in record ? { pid: record.pid } : { container: record.container }), started: false };
  if (source === 'binary' && binary) return startEtcdProcess(home, binary, env, opts.timeoutMs ?? 30_000);
  if (source === 'container' && opts.engine) {
    const c = await ensureEtcdContainer(opts.engine, {
      home,
      image: opts.etcdImage ?? resolveEtcdImage({ env }),
      ...(opts.volume ? { volume: opts.volume } : {}),
      ...(opts.dataPath ? { dataPath: opts.dataPath } : {}),
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
    });
    return { url: c.url, container: c.container, started: c.how !== 'adopted' };
  }
  throw new GatewayError(
    'control-plane',
    "The local control plane needs etcd 3.4 or later, and none was found: install it (Debian/Ubuntu: 'sudo apt install etcd-server'; macOS: 'brew install etcd'), or start Docker so that the app runs etcd in a container, or pass '--etcd http://127.0.0.1:2379' for one that runs.",
  );
}

async function startEtcdProcess(home: string, binary: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<LocalEtcd> {
  const dir = etcdDir(home);
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
      writeEtcdRecord(home, { url, pid: proc.pid });
      return { url, pid: proc.pid, started: true, logFile };
    }
    await sleep(200);
  }
  if (exitCode === undefined && alive(proc.pid)) process.kill(proc.pid, 'SIGTERM');
  throw new GatewayError('control-plane', `etcd (${binary}) did not become healthy on ${url}; its log (${logFile}) ends with:\n${tailOf(logFile).join('\n')}`);
}
