import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { CloudClient } from '../cloud/client.ts';
import type { Engine } from '../engine/engine.ts';
import { ensureDir, PRIVATE_DIR_MODE } from '../credentials/atomic-write.ts';
import { startBackground, tailOf } from './background-process.ts';
import { startLockFile, writeBackgroundRecord } from './background-record.ts';
import { choosePorts, rememberBoundPorts, type PortMove } from './control-plane-ports.ts';
import { DEFAULT_ETCD_VOLUME } from './etcd-container.ts';
import { ensureLocalEtcd, stopLocalEtcd, stopPid, type LocalEtcd } from './etcd-process.ts';
import { etcdTlsFiles } from './etcd-tls.ts';
import { reviveLocalEtcd } from './etcd-revive.ts';
import { GatewayError, messageOf } from './errors.ts';
import { acquireLock, HomeLockTimeoutError } from './home-lock.ts';

/** What `gateway-tray control-plane` writes when it is ready (control-plane.json). */
export const controlPlaneInfoSchema = z.object({
  apiUrl: z.string().url(),
  dataPlaneUrl: z.string().url(),
  domain: z.string(),
  orgId: z.string(),
  clusterId: z.string(),
  tokenFile: z.string(),
  caFile: z.string(),
});
export type ControlPlaneInfo = z.infer<typeof controlPlaneInfoSchema>;

export interface LocatedControlPlane {
  info: ControlPlaneInfo;
  /** The admin token, read from its 0600 file; never copied into settings. */
  token: string;
}

export const controlPlaneDir = (home: string): string => join(home, 'control-plane');
export { DEFAULT_API_PORT, DEFAULT_DP_PORT } from './control-plane-ports.ts';

/**
 * The running local control plane of this home, found through control-plane.json and checked to answer
 * with its token. Resolves a reason instead when there is none.
 */
export async function locateLocalControlPlane(home: string, timeoutMs = 3000): Promise<LocatedControlPlane | { problem: string }> {
  const file = join(controlPlaneDir(home), 'control-plane.json');
  if (!existsSync(file)) return { problem: `no local control plane is running (${file} does not exist)` };
  let info: ControlPlaneInfo;
  let token: string;
  try {
    info = controlPlaneInfoSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    token = readFileSync(info.tokenFile, 'utf8').trim();
  } catch (err) {
    return { problem: `${file} cannot be used (${messageOf(err)})` };
  }
  try {
    await new CloudClient({ baseUrl: info.apiUrl, token, timeoutMs }).me();
  } catch (err) {
    return { problem: `the local control plane at ${info.apiUrl} does not answer (${messageOf(err)})` };
  }
  return { info, token };
}

export interface EnsureControlPlaneOptions {
  home: string;
  /** etcd to use; when absent the app's own etcd is started (or reused). */
  etcdUrl?: string;
  /** Without an etcd binary, etcd runs as a container through this engine (when Docker answers). */
  engine?: Engine;
  /** The etcd image for that container (flag or setting, resolved); else GATEWAY_TRAY_ETCD_IMAGE or the default. */
  etcdImage?: string;
  /** How to run `gateway-tray` itself: [node, ...execArgv, entry]. */
  cliCommand: string[];
  /** The Docker bridge gateway address, so containers reach the data-plane endpoint (Linux). */
  bridgeAddress?: string;
  env?: NodeJS.ProcessEnv;
  log?: (line: string) => void;
  timeoutMs?: number;
  /** `--client-cert-lifetime` for the background control plane (text like 90d, already validated). */
  clientCertLifetime?: string;
  /** How long a remembered port that is taken is waited for before moving to a free one (default 10 s). */
  portWaitMs?: number;
}

export interface EnsuredControlPlane extends LocatedControlPlane {
  started: boolean;
  /** Remembered ports that stayed taken, and where the control plane started instead. */
  moved?: PortMove[];
  pid?: number;
  logFile?: string;
}

/** How long a second launch on the same home waits for the first one's control plane. */
const LOCK_WAIT_MS = 90_000;

/**
 * The local profile's control plane, headless: the running one when it answers; otherwise
 * `gateway-tray control-plane` started in the background (detached, output to a log file, pid recorded),
 * because the gateway needs its control plane to outlive this command. One start at a time per home
 * (control-plane/start.lock): a second launch waits for the first one's control plane and uses it.
 */
export async function ensureLocalControlPlane(opts: EnsureControlPlaneOptions): Promise<EnsuredControlPlane> {
  const found = await locateLocalControlPlane(opts.home);
  if ('info' in found) {
    const revived = opts.etcdUrl ? undefined : await reviveLocalEtcd(opts);
    if (revived) opts.log?.(revived);
    return { ...found, started: false };
  }
  const dir = controlPlaneDir(opts.home);
  ensureDir(dir, PRIVATE_DIR_MODE);
  const outcome = await underStartLock(opts.home, () => startInBackground(opts, dir));
  if ('found' in outcome) {
    opts.log?.(`Another launch on this home started the control plane meanwhile (${outcome.found.info.apiUrl}); using it.`);
    return { ...outcome.found, started: false };
  }
  return outcome.started;
}

/**
 * Runs `start` under this home's start lock (control-plane/start.lock), so that one process at a time
 * starts etcd and a control plane for it: the CLI's `launch`, the desktop app and `ui --web` alike. A
 * process that finds the lock held waits, and gets the control plane the holder started instead.
 */
export async function underStartLock<T>(home: string, start: () => Promise<T>): Promise<{ found: LocatedControlPlane } | { started: T }> {
  ensureDir(controlPlaneDir(home), PRIVATE_DIR_MODE);
  let taken: Awaited<ReturnType<typeof acquireLock<LocatedControlPlane>>>;
  try {
    taken = await acquireLock<LocatedControlPlane>(startLockFile(home), {
      timeoutMs: LOCK_WAIT_MS,
      whileWaiting: async () => {
        const now = await locateLocalControlPlane(home);
        return 'info' in now ? now : undefined;
      },
    });
  } catch (err) {
    if (err instanceof HomeLockTimeoutError) throw new GatewayError('control-plane', `Another start of this home's control plane did not finish: ${err.message}.`, { cause: err });
    throw err;
  }
  if ('found' in taken) return { found: taken.found };
  try {
    // The holder before us may have finished just before this process took the lock.
    const again = await locateLocalControlPlane(home);
    if ('info' in again) return { found: again };
    return { started: await start() };
  } finally {
    taken.lock.release();
  }
}

async function startInBackground(opts: EnsureControlPlaneOptions, dir: string): Promise<EnsuredControlPlane> {
  const etcd = opts.etcdUrl ? undefined : await localEtcd(opts);
  const etcdUrl = opts.etcdUrl ?? (etcd as LocalEtcd).url;
  // An etcd started for this control plane goes with it when it fails: nothing would use it.
  const dropEtcd = async () => {
    if (!etcd?.started) return;
    await stopLocalEtcd(opts.home, etcd, opts.engine ? { engine: opts.engine } : {}).catch(() => undefined);
    opts.log?.(`Stopped the etcd started for it (${etcd.pid !== undefined ? `pid ${etcd.pid}` : `container ${etcd.container?.slice(0, 12)}`}).`);
  };
  let chosen: Awaited<ReturnType<typeof choosePorts>>;
  try {
    chosen = await choosePorts(dir, { ...(opts.log ? { log: opts.log } : {}), ...(opts.portWaitMs !== undefined ? { waitMs: opts.portWaitMs } : {}) });
  } catch (err) {
    await dropEtcd();
    throw err;
  }
  const { ports, moved } = chosen;
  const dpHosts = ['127.0.0.1', ...(opts.bridgeAddress ? [opts.bridgeAddress] : [])];
  const [command, ...base] = opts.cliCommand;
  if (!command) throw new GatewayError('control-plane', 'No command to start the control plane with.');
  const tlsFiles = etcd ? etcdTlsFiles(opts.home) : undefined;
  const args = [
    ...base, 'control-plane', '--data-dir', dir, '--api-listen', `127.0.0.1:${ports.apiPort}`,
    ...dpHosts.flatMap((h) => ['--dp-listen', `${h}:${ports.dpPort}`]), '--etcd', etcdUrl,
    ...(tlsFiles ? ['--etcd-ca', tlsFiles.caCert, '--etcd-cert', tlsFiles.clientCert, '--etcd-key', tlsFiles.clientKey] : []),
    ...(opts.clientCertLifetime ? ['--client-cert-lifetime', opts.clientCertLifetime] : []),
  ];
  const logFile = join(dir, 'control-plane.log');
  const env = opts.env ?? process.env;
  const proc = startBackground(command, args, { logFile, pidFile: join(dir, 'control-plane.pid') }, { ...env, NODE_OPTIONS: withControlPlaneHeap(env.NODE_OPTIONS) });
  opts.log?.(`Started the local control plane in the background (pid ${proc.pid}, log ${logFile}); stop it with 'gateway-tray control-plane stop'.`);
  let exitCode: number | null | undefined;
  void proc.exited.then((code) => (exitCode = code));
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  let problem = '';
  while (Date.now() < deadline && exitCode === undefined) {
    const now = await locateLocalControlPlane(opts.home);
    if ('info' in now) {
      const bound = { apiPort: Number(new URL(now.info.apiUrl).port), dpPort: Number(new URL(now.info.dataPlaneUrl).port) };
      rememberBoundPorts(dir, bound, moved, opts.log);
      if (moved.some((m) => m.role === 'data-plane endpoint')) {
        opts.log?.("Gateways configured for the old data-plane port get their config.yaml re-rendered and their container recreated when launched ('gateway-tray launch').");
      }
      writeBackgroundRecord(opts.home, {
        pid: proc.pid,
        startedAt: new Date().toISOString(),
        ...bound,
        ...(etcd ? { etcd: { url: etcd.url, started: etcd.started, ...(etcd.pid !== undefined ? { pid: etcd.pid } : {}), ...(etcd.container ? { container: etcd.container } : {}) } } : {}),
      });
      return { ...now, started: true, pid: proc.pid, logFile, ...(moved.length > 0 ? { moved } : {}) };
    }
    problem = now.problem;
    await sleep(250);
  }
  if (exitCode === undefined) await stopPid(proc.pid, 5000);
  await dropEtcd();
  throw new GatewayError('control-plane', `The local control plane did not start (${problem || `it exited with code ${exitCode}`}). Its log (${logFile}) ends with:\n${tailOf(logFile).join('\n')}`);
}

async function localEtcd(opts: EnsureControlPlaneOptions): Promise<LocalEtcd> {
  const etcd = await ensureLocalEtcd(opts.home, opts.env, {
    ...(opts.engine ? { engine: opts.engine } : {}),
    ...(opts.etcdImage ? { etcdImage: opts.etcdImage } : {}),
    ...(opts.log ? { log: opts.log } : {}),
  });
  if (etcd.container && etcd.started) opts.log?.(`Started etcd in a Docker container (${etcd.url}); its data is in the volume '${DEFAULT_ETCD_VOLUME}'.`);
  return etcd;
}

/**
 * The node options a control plane runs with: a 64 MB young generation (node's default is 16 MB), unless
 * the user's NODE_OPTIONS already sizes it. At 10,000 kept-alive gateways the default one filled every
 * few milliseconds: scavenges took about 1 s of every 20 and the heartbeat p99 was 111–144 ms; with 64 MB,
 * under 0.5 s and 49–62 ms (npm run bench:control-plane). It costs up to 96 MB more of memory when busy.
 */
export function withControlPlaneHeap(nodeOptions: string | undefined): string {
  const given = (nodeOptions ?? '').trim();
  if (youngGenerationOf(given) !== undefined) return given;
  return `${given} ${CONTROL_PLANE_YOUNG_GENERATION}`.trim();
}

/** The young-generation option among node options (`--max-semi-space-size=N` or `… N`), if any. */
export function youngGenerationOf(nodeOptions: string): string | undefined {
  return /(?:^|\s)(--max-semi-space-size(?:=\S*|\s+\S+|$))/.exec(nodeOptions)?.[1];
}

export const CONTROL_PLANE_YOUNG_GENERATION = '--max-semi-space-size=64';

/** How to run this very CLI again: the same node, loader flags and entry script. */
export function selfCliCommand(): string[] {
  const entry = process.argv[1];
  return entry ? [process.execPath, ...process.execArgv, entry] : [process.execPath];
}
