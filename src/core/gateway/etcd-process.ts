import { accessSync, constants, readFileSync, rmSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureDir, PRIVATE_DIR_MODE } from '../credentials/atomic-write.ts';
import type { Engine } from '../engine/engine.ts';
import type { PullProgress } from '../engine/types.ts';
import { GatewayError } from './errors.ts';
import { alive, startBackground, tailOf } from './background-process.ts';
import { ensureEtcdContainer } from './etcd-container.ts';
import { etcdHealthy } from './etcd-health.ts';
import { chooseEtcdPorts, portTakenAtBind } from './etcd-ports.ts';
import { resolveEtcdImage } from './etcd-image.ts';
import { etcdDir, etcdRecordFile, readEtcdRecord, writeEtcdRecord, type EtcdRecord } from './etcd-record.ts';
import { ensureEtcdTls, etcdTlsFlags, loadEtcdClientTls } from './etcd-tls.ts';
import type { EtcdTls } from '../../control-plane/etcd/transport.ts';

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
  /** The client credentials the app's etcd requires (client-certificate TLS). */
  tls: EtcdTls;
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
  log?: (line: string) => void;
}

export type EtcdSource = 'record' | 'binary' | 'container' | 'none';

/** The decision order, as a pure function: the recorded etcd, the PATH's binary, a container, or nothing. */
export function chooseEtcdSource(facts: { recordHealthy: boolean; binary: boolean; engineAnswers: boolean }): EtcdSource {
  if (facts.recordHealthy) return 'record';
  if (facts.binary) return 'binary';
  return facts.engineAnswers ? 'container' : 'none';
}

/** On Linux, whether `pid` is an etcd on this home's data folder (a recycled pid is someone else). */
export function isOurEtcdProcess(pid: number, home: string): boolean {
  if (!alive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(join(etcdDir(home), 'data'));
  } catch {
    // No /proc (macOS): the live pid is the best we know.
    return true;
  }
}

async function recordHealthy(home: string, record: EtcdRecord | undefined, engine: Engine | undefined): Promise<boolean> {
  // An http:// record is an etcd from before client-certificate TLS: anyone on this machine could rewrite it.
  if (!record || !record.url.startsWith('https:')) return false;
  const tls = loadEtcdClientTls(home);
  if (!tls) return false;
  if ('pid' in record) return isOurEtcdProcess(record.pid, home) && (await etcdHealthy(record.url, 1500, tls));
  if (!(await etcdHealthy(record.url, 1500, tls))) return false;
  // Another etcd may hold the port now; with an engine at hand, make sure it is still our container.
  if (!engine) return true;
  const info = await engine.inspectContainer(record.container).catch(() => undefined);
  return info?.running === true;
}

/**
 * Stops an etcd this app started, by its pid or container, and waits until it is gone: SIGTERM, then
 * SIGKILL after `graceMs`. Its record goes too, so nothing names a dead etcd.
 */
export async function stopLocalEtcd(home: string, etcd: { pid?: number | undefined; container?: string | undefined }, opts: { engine?: Engine; graceMs?: number } = {}): Promise<void> {
  if (etcd.pid !== undefined) await stopPid(etcd.pid, opts.graceMs ?? 10_000);
  if (etcd.container !== undefined && opts.engine) await opts.engine.stopContainer(etcd.container, { timeoutSeconds: Math.ceil((opts.graceMs ?? 10_000) / 1000) });
  const record = readEtcdRecord(home);
  if (record && (('pid' in record && record.pid === etcd.pid) || ('container' in record && record.container === etcd.container))) {
    rmSync(etcdRecordFile(home), { force: true });
  }
  // The pid file written at start would otherwise name a dead etcd.
  if (etcd.pid !== undefined && pidFileNames(join(etcdDir(home), 'etcd.pid'), etcd.pid)) rmSync(join(etcdDir(home), 'etcd.pid'), { force: true });
}

function pidFileNames(file: string, pid: number): boolean {
  try {
    return Number.parseInt(readFileSync(file, 'utf8').trim(), 10) === pid;
  } catch {
    return false;
  }
}

/** SIGTERM, bounded wait, then SIGKILL; resolves once the pid is gone. */
export async function stopPid(pid: number, graceMs: number): Promise<void> {
  if (!alive(pid)) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (alive(pid) && Date.now() < deadline) await sleep(50);
  if (alive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      return;
    }
    const killDeadline = Date.now() + 5000;
    while (alive(pid) && Date.now() < killDeadline) await sleep(50);
  }
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
  const healthy = await recordHealthy(home, record, opts.engine);
  if (!healthy && record) await retireRecordedEtcd(home, record, opts);
  const source = chooseEtcdSource({
    recordHealthy: healthy,
    binary: binary !== undefined,
    engineAnswers: binary === undefined && (await engineAnswers(opts.engine)),
  });
  if (source === 'record' && record) {
    const tls = loadEtcdClientTls(home) as EtcdTls;
    return { url: record.url, tls, ...('pid' in record ? { pid: record.pid } : { container: record.container }), started: false };
  }
  // A dead recorded etcd comes back on its old address, so a control plane still running against it reconnects.
  const keepPort = !healthy && record && 'pid' in record ? Number(new URL(record.url).port) || undefined : undefined;
  if (source === 'binary' && binary) return startEtcdProcess(home, binary, env, opts.timeoutMs ?? 30_000, opts.log, keepPort);
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
    return { url: c.url, tls: c.tls, container: c.container, started: c.how !== 'adopted' };
  }
  throw new GatewayError(
    'control-plane',
    "The local control plane needs etcd 3.4 or later, and none was found: install it (Debian/Ubuntu: 'sudo apt install etcd-server'; macOS: 'brew install etcd'), or start Docker so that the app runs etcd in a container, or pass '--etcd http://127.0.0.1:2379' for one that runs.",
  );
}

/**
 * A recorded etcd that can't be adopted: an old one without TLS (still running on our data folder, which a
 * new one could not open) is stopped, saying so; a dead one's record is dropped.
 */
async function retireRecordedEtcd(home: string, record: EtcdRecord, opts: LocalEtcdOptions): Promise<void> {
  const plain = !record.url.startsWith('https:');
  if ('pid' in record) {
    // Ours and alive but not adoptable: it holds the data folder, which a new etcd could not open.
    if (isOurEtcdProcess(record.pid, home)) {
      opts.log?.(
        plain
          ? `Stopping the app's earlier etcd (pid ${record.pid}, ${record.url}): it accepts clients without a certificate; a new one with client-certificate TLS replaces it on the same data.`
          : `Stopping the app's etcd (pid ${record.pid}, ${record.url}): it does not answer; a new one replaces it on the same data.`,
      );
      await stopPid(record.pid, 10_000);
    }
  } else if (plain && opts.engine) {
    // The data is in the volume: a new container with TLS loses nothing. (A stopped TLS one is restarted as it is.)
    opts.log?.(`Removing the app's earlier etcd container ${record.container.slice(0, 12)} (${record.url}); a new one with client-certificate TLS replaces it on the same volume.`);
    await opts.engine.removeContainer(record.container).catch(() => undefined);
  }
  rmSync(etcdRecordFile(home), { force: true });
}

/** A start failure in a word the user can act on, not a Go stack trace. */
export function etcdStartProblem(logTail: string[], dataDir: string): string | undefined {
  if (logTail.some((l) => /no space left on device/i.test(l))) return `no space left on device (${dataDir})`;
  if (logTail.some((l) => /permission denied/i.test(l))) return `permission denied (${dataDir})`;
  return undefined;
}

/** How many times etcd is started again on other ports when another process took one from under it. */
const PORT_RACE_ATTEMPTS = 3;

async function startEtcdProcess(home: string, binary: string, env: NodeJS.ProcessEnv, timeoutMs: number, log?: (line: string) => void, keepPort?: number): Promise<LocalEtcd> {
  const dir = etcdDir(home);
  ensureDir(dir, PRIVATE_DIR_MODE);
  const tls = await ensureEtcdTls(home, new Date(), log);
  // etcd's own default first, so a developer finds it where etcd's docs say; GATEWAY_TRAY_ETCD_PORT (tests)
  // names another, as two homes on one machine would otherwise race for 2379 whenever one restarts.
  const preferred = Number(env.GATEWAY_TRAY_ETCD_PORT) || 2379;
  const dataDir = join(dir, 'data');
  const logFile = join(dir, 'etcd.log');
  const taken = new Set<number>();
  for (let attempt = 1; ; attempt++) {
    const ports = await chooseEtcdPorts(preferred, keepPort, taken);
    const url = `https://127.0.0.1:${ports.client}`;
    const peer = `https://127.0.0.1:${ports.peer}`;
    const proc = startBackground(
      binary,
      ['--name', 'gateway-tray', '--data-dir', dataDir, '--listen-client-urls', url, '--advertise-client-urls', url,
        '--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer, '--initial-cluster', `gateway-tray=${peer}`, '--log-level', 'warn', '--logger', 'zap',
        ...etcdTlsFlags({ ca: tls.files.caCert, cert: tls.files.etcdCert, key: tls.files.etcdKey })],
      { logFile, pidFile: join(dir, 'etcd.pid') },
      env,
    );
    let exitCode: number | null | undefined;
    void proc.exited.then((code) => (exitCode = code));
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (exitCode !== undefined) break;
      if (await etcdHealthy(url, 1500, tls.client)) {
        writeEtcdRecord(home, { url, pid: proc.pid });
        return { url, tls: tls.client, pid: proc.pid, started: true, logFile };
      }
      await sleep(200);
    }
    if (exitCode === undefined && alive(proc.pid)) await stopPid(proc.pid, 5000);
    // Go's panic puts the cause above a long stack: look further back than the lines we quote.
    const lines = tailOf(logFile, 400, proc.logStart);
    const lost = portTakenAtBind(lines);
    if (lost !== undefined && attempt < PORT_RACE_ATTEMPTS) {
      taken.add(lost);
      log?.(`etcd's port ${lost} was taken by another process as etcd started; starting it on another port.`);
      continue;
    }
    if (lost !== undefined) {
      throw new GatewayError('control-plane', `etcd (${binary}) could not start: port ${lost} on 127.0.0.1 was taken as it started, ${attempt} times on different ports. Details in ${logFile}.`);
    }
    const problem = etcdStartProblem(lines, dataDir);
    if (problem) throw new GatewayError('control-plane', `etcd (${binary}) could not start: ${problem}. Free some space or move GATEWAY_TRAY_HOME, then try again; details in ${logFile}.`);
    throw new GatewayError('control-plane', `etcd (${binary}) did not become healthy on ${url}; its log (${logFile}) ends with:\n${lines.slice(-20).join('\n')}`);
  }
}
