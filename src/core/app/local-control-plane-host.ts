import type { RunningControlPlane } from '../../control-plane/index.ts';
import type { DockerEngine } from '../engine/engine.ts';
import { bridgeGatewayAddress } from '../gateway/bridge-gateway.ts';
import { startEmbeddedControlPlane } from '../gateway/embedded-control-plane.ts';
import { GatewayError, messageOf } from '../gateway/errors.ts';
import { ensureLocalEtcd } from '../gateway/etcd-process.ts';
import { locateLocalControlPlane } from '../gateway/local-control-plane.ts';

export interface HostedControlPlane {
  apiUrl: string;
  /** True when this process runs it (and stops it on dispose); false when another one already answered. */
  inProcess: boolean;
  stop(): Promise<void>;
}

/**
 * The local profile's control plane as the desktop app hosts it: one that already answers for this
 * home is reused (the CLI may have started it); otherwise the embedded one starts in this process,
 * on loopback plus the Docker bridge address, so containers reach its data-plane endpoint.
 */
export async function hostLocalControlPlane(opts: {
  home: string;
  env: NodeJS.ProcessEnv;
  engine: DockerEngine;
  etcdUrl?: string;
  /** The etcd image, should etcd have to run as a container (flag or setting, resolved). */
  etcdImage?: string;
  log?: (line: string) => void;
}): Promise<HostedControlPlane> {
  const found = await locateLocalControlPlane(opts.home);
  if ('info' in found) return { apiUrl: found.info.apiUrl, inProcess: false, stop: async () => undefined };
  let bridgeAddress: string | undefined;
  if (process.platform === 'linux' && opts.engine.endpoint.protocol === 'unix') {
    bridgeAddress = await bridgeGatewayAddress(opts.engine.docker).catch((err: unknown) => {
      opts.log?.(`Docker does not answer yet, so the control plane listens on loopback only: ${messageOf(err)}`);
      return undefined;
    });
  }
  let etcdUrl = opts.etcdUrl;
  if (!etcdUrl) {
    const etcd = await ensureLocalEtcd(opts.home, opts.env, { engine: opts.engine, ...(opts.etcdImage ? { etcdImage: opts.etcdImage } : {}) });
    if (etcd.container && etcd.started) opts.log?.(`Started etcd in a Docker container (${etcd.url}), as no etcd binary is installed.`);
    etcdUrl = etcd.url;
  }
  let cp: RunningControlPlane;
  try {
    cp = await startEmbeddedControlPlane({
      home: opts.home,
      etcdUrl,
      ...(bridgeAddress ? { bridgeAddress } : {}),
      ...(opts.log ? { more: { log: opts.log } } : {}),
    });
  } catch (err) {
    throw new GatewayError('control-plane', `The embedded control plane did not start: ${messageOf(err)}`, { cause: err });
  }
  return { apiUrl: cp.apiUrl, inProcess: true, stop: () => cp.stop() };
}
