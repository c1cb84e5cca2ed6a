import { join } from 'node:path';
import { startControlPlane, type ControlPlaneOptions, type RunningControlPlane } from '../../control-plane/index.ts';
import { DEFAULT_DP_PORT } from './local-control-plane.ts';
import { isPortFree } from './free-port.ts';

/**
 * The desktop app's control plane, in-process: data under GATEWAY_TRAY_HOME/control-plane, the
 * management API on loopback, and the data-plane endpoint on loopback plus the Docker bridge gateway
 * address (never 0.0.0.0) so the gateway container reaches it on Linux.
 */
export async function startEmbeddedControlPlane(opts: {
  home: string;
  etcdUrl: string;
  bridgeAddress?: string;
  /** Data-plane port; default 7443 when free (gateways' config.yaml names it, so it should stay put). */
  dpPort?: number;
  more?: Partial<ControlPlaneOptions>;
}): Promise<RunningControlPlane> {
  const dpPort = opts.dpPort ?? ((await isPortFree(DEFAULT_DP_PORT)) ? DEFAULT_DP_PORT : 0);
  const hosts = ['127.0.0.1', ...(opts.bridgeAddress ? [opts.bridgeAddress] : [])];
  return startControlPlane({
    dataDir: join(opts.home, 'control-plane'),
    etcdUrl: opts.etcdUrl,
    dpListen: hosts.map((host) => ({ host, port: dpPort })),
    ...opts.more,
  });
}
