import type { RunningControlPlane } from '../../control-plane/index.ts';
import type { DockerEngine } from '../engine/engine.ts';
import { bridgeGatewayAddress } from '../gateway/bridge-gateway.ts';
import { startEmbeddedControlPlane } from '../gateway/embedded-control-plane.ts';
import { GatewayError, messageOf } from '../gateway/errors.ts';
import { ensureLocalEtcd, stopLocalEtcd, type LocalEtcd } from '../gateway/etcd-process.ts';
import { locateLocalControlPlane, underStartLock } from '../gateway/local-control-plane.ts';

export interface HostedControlPlane {
  apiUrl: string;
  /** True when this process runs it (and stops it on dispose); false when another one already answered. */
  inProcess: boolean;
  stop(): Promise<void>;
}

interface HostOptions {
  home: string;
  env: NodeJS.ProcessEnv;
  engine: DockerEngine;
  etcdUrl?: string;
  /** The etcd image, should etcd have to run as a container (flag or setting, resolved). */
  etcdImage?: string;
  /** Lifetime of the gateways' client certificates; else GATEWAY_TRAY_CLIENT_CERT_LIFETIME, else 90 days. */
  clientCertLifetimeMs?: number;
  log?: (line: string) => void;
}

/**
 * The local profile's control plane as the desktop app hosts it: one that already answers for this
 * home is reused (the CLI may have started it); otherwise the embedded one starts in this process,
 * on loopback plus the Docker bridge address, so containers reach its data-plane endpoint. Stopping it
 * also stops the etcd it started (never one it adopted).
 */
export async function hostLocalControlPlane(opts: HostOptions): Promise<HostedControlPlane> {
  const found = await locateLocalControlPlane(opts.home);
  if ('info' in found) return { apiUrl: found.info.apiUrl, inProcess: false, stop: async () => undefined };
  // A `launch` of the CLI (or another app window) starting at the same time: one of the two starts etcd.
  const outcome = await underStartLock(opts.home, () => startHosted(opts));
  if ('found' in outcome) {
    opts.log?.(`Another process started this home's control plane meanwhile (${outcome.found.info.apiUrl}); using it.`);
    return { apiUrl: outcome.found.info.apiUrl, inProcess: false, stop: async () => undefined };
  }
  return outcome.started;
}

async function startHosted(opts: HostOptions): Promise<HostedControlPlane> {
  let bridgeAddress: string | undefined;
  if (process.platform === 'linux' && opts.engine.endpoint.protocol === 'unix') {
    bridgeAddress = await bridgeGatewayAddress(opts.engine.docker).catch((err: unknown) => {
      opts.log?.(`Docker does not answer yet, so the control plane listens on loopback only: ${messageOf(err)}`);
      return undefined;
    });
  }
  let etcdUrl = opts.etcdUrl;
  let etcd: LocalEtcd | undefined;
  if (!etcdUrl) {
    etcd = await ensureLocalEtcd(opts.home, opts.env, { engine: opts.engine, ...(opts.etcdImage ? { etcdImage: opts.etcdImage } : {}), ...(opts.log ? { log: opts.log } : {}) });
    if (etcd.container && etcd.started) opts.log?.(`Started etcd in a Docker container (${etcd.url}), as no etcd binary is installed.`);
    etcdUrl = etcd.url;
  }
  // Only an etcd this host started is stopped with it; one it adopted belongs to whoever started it.
  const started = etcd?.started ? etcd : undefined;
  const stopEtcd = async () => {
    if (!started) return;
    await stopLocalEtcd(opts.home, started, { engine: opts.engine });
    opts.log?.(`Stopped the etcd this app started (${started.pid !== undefined ? `pid ${started.pid}` : `container ${started.container?.slice(0, 12)}`}, ${started.url}).`);
  };
  let cp: RunningControlPlane;
  try {
    cp = await startEmbeddedControlPlane({
      home: opts.home,
      etcdUrl,
      env: opts.env,
      ...(etcd ? { etcdTls: etcd.tls } : {}),
      ...(bridgeAddress ? { bridgeAddress } : {}),
      more: { ...(opts.log ? { log: opts.log } : {}), ...(opts.clientCertLifetimeMs ? { clientCertLifetimeMs: opts.clientCertLifetimeMs } : {}) },
    });
  } catch (err) {
    await stopEtcd().catch(() => undefined);
    throw new GatewayError('control-plane', `The embedded control plane did not start: ${messageOf(err)}`, { cause: err });
  }
  return {
    apiUrl: cp.apiUrl,
    inProcess: true,
    stop: async () => {
      await cp.stop();
      await stopEtcd();
    },
  };
}
