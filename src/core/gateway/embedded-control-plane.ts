import { join } from 'node:path';
import { clientCertLifetimeFromEnv } from '../../control-plane/client-cert-lifetime.ts';
import type { EtcdTls } from '../../control-plane/etcd/transport.ts';
import { startControlPlane, type ControlPlaneOptions, type RunningControlPlane } from '../../control-plane/index.ts';
import { choosePorts, rememberBoundPorts, type PortMove } from './control-plane-ports.ts';

export interface EmbeddedControlPlane extends RunningControlPlane {
  /** Remembered ports that stayed taken, and where the control plane went instead (empty normally). */
  moved: PortMove[];
}

/**
 * The desktop app's control plane, in-process: data under GATEWAY_TRAY_HOME/control-plane, the
 * management API on loopback, and the data-plane endpoint on loopback plus the Docker bridge gateway
 * address (never 0.0.0.0) so the gateway container reaches it on Linux. Its ports are this home's
 * remembered ones (control-plane-ports.ts), the same the background control plane uses: gateways'
 * config.yaml names the data-plane port, so a restart moves it only when it stays taken, and says so.
 */
export async function startEmbeddedControlPlane(opts: {
  home: string;
  etcdUrl: string;
  /** The client certificate of the app's etcd (etcd-tls.ts); absent for an http:// etcd the user named. */
  etcdTls?: EtcdTls;
  bridgeAddress?: string;
  /** Data-plane port; default the remembered one, else 7443 when free. */
  dpPort?: number;
  /** How long a remembered port that is taken is waited for before moving (default 10 s). */
  portWaitMs?: number;
  more?: Partial<ControlPlaneOptions>;
  env?: NodeJS.ProcessEnv;
}): Promise<EmbeddedControlPlane> {
  const dir = join(opts.home, 'control-plane');
  const log = opts.more?.log;
  const chosen =
    opts.dpPort === undefined
      ? await choosePorts(dir, { ...(log ? { log } : {}), ...(opts.portWaitMs !== undefined ? { waitMs: opts.portWaitMs } : {}) })
      : { ports: { apiPort: 0, dpPort: opts.dpPort }, moved: [] };
  const hosts = ['127.0.0.1', ...(opts.bridgeAddress ? [opts.bridgeAddress] : [])];
  const cp = await startControlPlane({
    dataDir: dir,
    etcdUrl: opts.etcdUrl,
    ...(opts.etcdTls ? { etcdTls: opts.etcdTls } : {}),
    ...clientCertLifetimeFromEnv(opts.env ?? process.env),
    apiListen: { host: '127.0.0.1', port: chosen.ports.apiPort },
    dpListen: hosts.map((host) => ({ host, port: chosen.ports.dpPort })),
    ...opts.more,
  });
  if (opts.dpPort === undefined) {
    rememberBoundPorts(dir, { apiPort: Number(new URL(cp.apiUrl).port), dpPort: Number(new URL(cp.dataPlaneUrl).port) }, chosen.moved, log);
  }
  return Object.assign(cp, { moved: chosen.moved });
}
