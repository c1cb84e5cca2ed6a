import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { CloudClient } from '../cloud/client.ts';
import type { Engine } from '../engine/engine.ts';
import { ensureDir, PRIVATE_DIR_MODE, writeFileAtomic } from '../credentials/atomic-write.ts';
import { alive, startBackground, tailOf } from './background-process.ts';
import { DEFAULT_ETCD_VOLUME } from './etcd-container.ts';
import { ensureLocalEtcd } from './etcd-process.ts';
import { GatewayError, messageOf } from './errors.ts';
import { isPortFree } from './free-port.ts';

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
export const DEFAULT_API_PORT = 7080;
export const DEFAULT_DP_PORT = 7443;

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
}

export interface EnsuredControlPlane extends LocatedControlPlane {
  started: boolean;
  pid?: number;
  logFile?: string;
}

const memorySchema = z.object({ apiPort: z.number().int(), dpPort: z.number().int() });

/** The ports used last time, so gateways whose config.yaml names the data-plane port keep working. */
async function choosePorts(dir: string): Promise<{ apiPort: number; dpPort: number }> {
  let remembered: { apiPort: number; dpPort: number } | undefined;
  try {
    remembered = memorySchema.parse(JSON.parse(readFileSync(join(dir, 'background.json'), 'utf8')));
  } catch {
    remembered = undefined;
  }
  const api = remembered?.apiPort ?? DEFAULT_API_PORT;
  const dp = remembered?.dpPort ?? DEFAULT_DP_PORT;
  return { apiPort: (await isPortFree(api)) ? api : 0, dpPort: (await isPortFree(dp)) ? dp : 0 };
}

/**
 * The local profile's control plane, headless: the running one when it answers; otherwise
 * `gateway-tray control-plane` started in the background (detached, output to a log file, pid recorded),
 * because the gateway needs its control plane to outlive this command.
 */
export async function ensureLocalControlPlane(opts: EnsureControlPlaneOptions): Promise<EnsuredControlPlane> {
  const found = await locateLocalControlPlane(opts.home);
  if ('info' in found) return { ...found, started: false };
  const dir = controlPlaneDir(opts.home);
  ensureDir(dir, PRIVATE_DIR_MODE);
  const etcdUrl = opts.etcdUrl ?? (await localEtcdUrl(opts));
  const { apiPort, dpPort } = await choosePorts(dir);
  const dpHosts = ['127.0.0.1', ...(opts.bridgeAddress ? [opts.bridgeAddress] : [])];
  const [command, ...base] = opts.cliCommand;
  if (!command) throw new GatewayError('control-plane', 'No command to start the control plane with.');
  const args = [...base, 'control-plane', '--data-dir', dir, '--api-listen', `127.0.0.1:${apiPort}`, ...dpHosts.flatMap((h) => ['--dp-listen', `${h}:${dpPort}`]), '--etcd', etcdUrl];
  const logFile = join(dir, 'control-plane.log');
  const proc = startBackground(command, args, { logFile, pidFile: join(dir, 'control-plane.pid') }, opts.env);
  opts.log?.(`Started the local control plane in the background (pid ${proc.pid}, log ${logFile}); stop it with 'kill ${proc.pid}'.`);
  let exitCode: number | null | undefined;
  void proc.exited.then((code) => (exitCode = code));
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  let problem = '';
  while (Date.now() < deadline && exitCode === undefined) {
    const now = await locateLocalControlPlane(opts.home);
    if ('info' in now) {
      const ports = { apiPort: Number(new URL(now.info.apiUrl).port), dpPort: Number(new URL(now.info.dataPlaneUrl).port) };
      writeFileAtomic(join(dir, 'background.json'), `${JSON.stringify(ports)}\n`, 0o600);
      return { ...now, started: true, pid: proc.pid, logFile };
    }
    problem = now.problem;
    await sleep(250);
  }
  if (exitCode === undefined && alive(proc.pid)) process.kill(proc.pid, 'SIGTERM');
  throw new GatewayError('control-plane', `The local control plane did not start (${problem || `it exited with code ${exitCode}`}). Its log (${logFile}) ends with:\n${tailOf(logFile).join('\n')}`);
}

async function localEtcdUrl(opts: EnsureControlPlaneOptions): Promise<string> {
  const etcd = await ensureLocalEtcd(opts.home, opts.env, { ...(opts.engine ? { engine: opts.engine } : {}), ...(opts.etcdImage ? { etcdImage: opts.etcdImage } : {}) });
  if (etcd.container && etcd.started) opts.log?.(`Started etcd in a Docker container (${etcd.url}); its data is in the volume '${DEFAULT_ETCD_VOLUME}'.`);
  return etcd.url;
}

/** How to run this very CLI again: the same node, loader flags and entry script. */
export function selfCliCommand(): string[] {
  const entry = process.argv[1];
  return entry ? [process.execPath, ...process.execArgv, entry] : [process.execPath];
}
