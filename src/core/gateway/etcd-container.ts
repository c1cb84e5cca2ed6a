import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EtcdTls } from '../../control-plane/etcd/transport.ts';
import { DockerEngine, type Engine } from '../engine/engine.ts';
import { PortInUseError } from '../engine/errors.ts';
import type { ContainerInfo, PullProgress } from '../engine/types.ts';
import { GatewayError, messageOf } from './errors.ts';
import { ETCD_IMAGE_ENV } from './etcd-image.ts';
import { writeEtcdRecord } from './etcd-record.ts';
import { etcdHealthy } from './etcd-health.ts';
import { isPortFree, pickPort } from './free-port.ts';
import { userFromPasswd, numericUser } from './gateway-user.ts';
import { ensureEtcdTls, etcdTlsFlags, type EtcdTlsMaterial } from './etcd-tls.ts';

export const ETCD_COMPONENT = 'etcd';
export const DEFAULT_ETCD_VOLUME = 'gateway-tray-etcd';
/** Which volume (and so which data) a container serves, so two homes or test runs never adopt each other's. */
export const LABEL_ETCD_VOLUME = 'io.gateway-tray.etcd-volume';
/** The fingerprint of the etcd CA a container was given: one made for another CA can't be reached, so it is replaced. */
export const LABEL_ETCD_CA = 'io.gateway-tray.etcd-ca';
const CLIENT_PORT = 2379;
/** Where the TLS files are copied into the container (not the volume: they are replaced with the container). */
const TLS_DIR = '/etc/gateway-tray-etcd';

export interface EtcdContainerOptions {
  home: string;
  image: string;
  /** Named volume holding the data; also the container's name. */
  volume?: string;
  /**
   * Where the volume is mounted. It must be a folder of the image that its user owns: Docker copies it,
   * owner included, into a new volume. `/var/lib/etcd` in the official image (which runs as root).
   */
  dataPath?: string;
  onProgress?: (progress: PullProgress) => void;
  signal?: AbortSignal;
  timeoutMs?: number;
}

export interface EtcdContainer {
  url: string;
  tls: EtcdTls;
  container: string;
  /** adopted: was running; restarted: was stopped; created: new (its data volume may be old). */
  how: 'adopted' | 'restarted' | 'created';
}

/**
 * etcd's command line (3.4 and 3.5 read the same flags); it listens on all of the container's own
 * interfaces, with client-certificate TLS on both ports (etcd-tls.ts).
 */
export function etcdContainerCommand(hostPort: number, dataPath: string): string[] {
  const peer = 'https://127.0.0.1:2380';
  return [
    '--name', 'gateway-tray',
    '--data-dir', `${dataPath}/data`,
    '--listen-client-urls', `https://0.0.0.0:${CLIENT_PORT}`,
    '--advertise-client-urls', `https://127.0.0.1:${hostPort}`,
    '--listen-peer-urls', peer,
    '--initial-advertise-peer-urls', peer,
    '--initial-cluster', `gateway-tray=${peer}`,
    '--log-level', 'warn',
    '--logger', 'zap',
    ...etcdTlsFlags({ ca: `${TLS_DIR}/ca.crt`, cert: `${TLS_DIR}/etcd.crt`, key: `${TLS_DIR}/etcd.key` }),
  ];
}

export function caFingerprint(caPem: string): string {
  return createHash('sha256').update(caPem).digest('hex').slice(0, 16);
}

/** Who etcd runs as in the image: its numeric USER, a named one from /etc/passwd, else root (the official image). */
async function etcdUserOf(engine: Engine, containerId: string, image: string): Promise<{ uid: number; gid: number }> {
  if (!(engine instanceof DockerEngine)) return { uid: 0, gid: 0 };
  const user = await engine.docker
    .getImage(image)
    .inspect()
    .then((i) => i.Config?.User ?? '')
    .catch(() => '');
  if (user === '') return { uid: 0, gid: 0 };
  const numeric = numericUser(user);
  if (numeric) return numeric;
  const passwd = await engine.readFile(containerId, '/etc/passwd', { maxBytes: 256 * 1024 }).then((b) => b.toString('utf8')).catch(() => '');
  return userFromPasswd(passwd, user.split(':')[0]) ?? { uid: 0, gid: 0 };
}

/** The key reaches etcd's user at 0600 through Docker's archive API, never through a host folder others could read. */
async function copyTlsIn(engine: Engine, containerId: string, image: string, tls: EtcdTlsMaterial): Promise<void> {
  const owner = await etcdUserOf(engine, containerId, image);
  await engine.copyFilesIn(
    containerId,
    TLS_DIR,
    [
      { name: 'ca.crt', content: tls.client.ca, mode: 0o644, ...owner },
      { name: 'etcd.crt', content: tls.etcd.certPem, mode: 0o644, ...owner },
      { name: 'etcd.key', content: tls.etcd.keyPem, mode: 0o600, ...owner },
    ],
    { folderOwner: { ...owner, mode: 0o700 } },
  );
}

function hostUrlOf(info: ContainerInfo): string | undefined {
  const port = info.ports.find((p) => p.containerPort === CLIENT_PORT)?.hostPort;
  return port ? `https://127.0.0.1:${port}` : undefined;
}

/**
 * The app's etcd as a container, through the engine: one of ours that runs is adopted, a stopped one is
 * started, else one is created (pulling the image with progress). Its data is in a named volume, and its
 * client port is published on 127.0.0.1 only. The url is recorded in etcd.json once it is healthy.
 */
export async function ensureEtcdContainer(engine: Engine, opts: EtcdContainerOptions): Promise<EtcdContainer> {
  const volume = opts.volume ?? DEFAULT_ETCD_VOLUME;
  const dataPath = opts.dataPath ?? '/var/lib/etcd';
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const tls = await ensureEtcdTls(opts.home);
  const fingerprint = caFingerprint(tls.client.ca);
  const found = await engine.findComponent(ETCD_COMPONENT, { [LABEL_ETCD_VOLUME]: volume });
  // One made before TLS, or for another CA, can't be reached by this app: replaced, its data kept in the volume.
  for (const stale of found.filter((c) => c.labels[LABEL_ETCD_CA] !== fingerprint)) await engine.removeContainer(stale.id);
  const ours = found.filter((c) => c.labels[LABEL_ETCD_CA] === fingerprint);
  let current = ours.find((c) => c.running) ?? ours[0];
  let how: EtcdContainer['how'] = 'adopted';
  if (current && !current.running) {
    how = 'restarted';
    try {
      current = await engine.startContainer(current.id);
    } catch (err) {
      if (!(err instanceof PortInUseError)) throw err;
      // Its host port was taken meanwhile; the data is in the volume, so a new container on a free port loses nothing.
      await engine.removeContainer(current.id);
      current = undefined;
    }
  }
  if (!current) {
    how = 'created';
    await engine.ensureImage(opts.image, { ...(opts.onProgress ? { onProgress: opts.onProgress } : {}), ...(opts.signal ? { signal: opts.signal } : {}) });
    const hostPort = (await isPortFree(CLIENT_PORT)) ? CLIENT_PORT : await pickPort();
    const created = await engine.createComponentContainer({
      image: opts.image,
      component: ETCD_COMPONENT,
      name: volume,
      // The image's own entrypoint may be anything (a test image's is a gateway stand-in's).
      entrypoint: ['etcd'],
      cmd: etcdContainerCommand(hostPort, dataPath),
      volumes: [{ name: volume, containerPath: dataPath }],
      ports: [{ containerPort: CLIENT_PORT, hostPort, hostIp: '127.0.0.1' }],
      labels: { [LABEL_ETCD_VOLUME]: volume, [LABEL_ETCD_CA]: fingerprint },
    });
    await copyTlsIn(engine, created.id, opts.image, tls);
    current = await engine.startContainer(created.id, { removeOnPortConflict: true });
  }
  const url = hostUrlOf(current);
  if (!url) throw new GatewayError('control-plane', `The etcd container ${current.name} publishes no client port; remove it ('docker rm -f ${current.name}') and try again.`);
  await waitHealthy(engine, current, url, tls.client, timeoutMs, opts.signal);
  writeEtcdRecord(opts.home, { url, container: current.id });
  return { url, tls: tls.client, container: current.id, how };
}

async function waitHealthy(engine: Engine, info: ContainerInfo, url: string, tls: EtcdTls, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let problem = `it did not answer on ${url}/health within ${Math.round(timeoutMs / 1000)} s`;
  while (Date.now() < deadline) {
    signal?.throwIfAborted();
    if (await etcdHealthy(url, 1500, tls)) return;
    const now = await engine.inspectContainer(info.id).catch(() => undefined);
    if (now && !now.running) {
      problem = `it exited with code ${now.exitCode ?? '?'}`;
      break;
    }
    await sleep(250);
  }
  const tail = await engine
    .readLogs(info.id, { tail: 20 })
    .then((lines) => lines.map((l) => l.line))
    .catch((err: unknown) => [`(its log could not be read: ${messageOf(err)})`]);
  throw new GatewayError(
    'control-plane',
    `The etcd container ${info.name} (${info.image}) did not become healthy: ${problem}. See 'docker logs ${info.name}'; remove it with 'docker rm -f ${info.name}' to start afresh, or choose another etcd image in Settings (or ${ETCD_IMAGE_ENV}). Its log ends with:\n${tail.join('\n')}`,
    { logTail: tail },
  );
}
