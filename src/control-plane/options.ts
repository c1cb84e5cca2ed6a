import type { Clock } from './clock.ts';
import type { ClusterOptions } from './cluster/open.ts';
import type { EtcdTls } from './etcd/transport.ts';

export interface ListenAddress {
  host: string;
  port: number;
}

export interface ControlPlaneOptions {
  dataDir: string;
  /** http:// for an etcd without TLS; https:// needs `etcdTls`. */
  etcdUrl: string;
  /** The client certificate, key and CA of an etcd that requires client-certificate TLS (the app's own). */
  etcdTls?: EtcdTls | undefined;
  apiListen?: ListenAddress;
  /** Every entry shares one port number; port 0 on the first picks a free one for all. */
  dpListen?: ListenAddress[];
  dataPlaneAdvertiseHost?: string;
  domain?: string;
  lostAfterMs?: number;
  offlineAfterMs?: number;
  purgeAfterMs?: number;
  clientCertLifetimeMs?: number;
  caLifetimeMs?: number;
  serverCertLifetimeMs?: number;
  adminTokenLifetimeMs?: number;
  /** The etcd key prefix of APISIX's configuration. */
  etcdPrefix?: string;
  /** The agent folder served as the module tarball; default GATEWAY_TRAY_AGENT_DIR, else assets/agent. */
  agentDir?: string;
  log?: (line: string) => void;
  /** For unit tests that move time; the default is the system clock. */
  clock?: Clock;
  /**
   * `control-plane --cluster`: the state lives in etcd (cluster/), shared by every replica. Absent (the
   * default, and always for the desktop app), it lives in the data folder's files.
   */
  cluster?: ClusterOptions & {
    /** Every address gateways dial (every replica, or the load balancer): the template lists them, the server certificate names them. */
    dataPlaneAddresses?: ListenAddress[];
  };
}

export interface RunningControlPlane {
  apiUrl: string;
  dataPlaneUrl: string;
  domain: string;
  orgId: string;
  clusterId: string;
  tokenFile: string;
  caFile: string;
  /**
   * Also listens for gateways on `host`, on the data-plane port it already has: the Docker bridge address
   * once Docker answers, for an app that started while it did not. Resolves false when it listens there already.
   */
  listenDataPlane(host: string): Promise<boolean>;
  stop(): Promise<void>;
}

const DAY = 24 * 3600_000;

export const DEFAULTS = {
  domain: 'control-plane.gateway-tray.internal',
  advertiseHost: 'host.docker.internal',
  etcdPrefix: '/apisix',
  // A developer tool: long enough that nobody renews by hand during a project, short enough to expire.
  clientCertLifetimeMs: 90 * DAY,
  caLifetimeMs: 3650 * DAY,
  serverCertLifetimeMs: 365 * DAY,
  adminTokenLifetimeMs: 365 * DAY,
} as const;

const DNS_NAME = /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

export function checkDomain(domain: string): void {
  if (!DNS_NAME.test(domain)) throw new Error(`the cluster domain "${domain}" is not a DNS name; use something like ${DEFAULTS.domain}`);
}

/** The address a local client dials for a listener: a wildcard bind is reached through loopback. */
export function dialHost(host: string): string {
  if (host === '0.0.0.0' || host === '') return '127.0.0.1';
  if (host === '::') return '::1';
  return host;
}

export function urlHost(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}
