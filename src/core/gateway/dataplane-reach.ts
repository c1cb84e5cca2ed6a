import { connect } from 'node:net';
import type { TlsBundle } from '../credentials/tls-bundle.ts';
import { DockerEngine } from '../engine/engine.ts';
import type { Engine } from '../engine/engine.ts';
import { bridgeGatewayAddress } from './bridge-gateway.ts';
import { versionStatus } from './config-centre-probe.ts';
import { GatewayError, messageOf } from './errors.ts';

function tcpOpen(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export interface DataPlaneAddress {
  /** Where this host dials the endpoint the container will dial. */
  host: string;
  port: number;
  /** True when the container reaches it through the Docker bridge (Linux). */
  viaBridge: boolean;
}

/**
 * The address on this host of the data-plane endpoint named in config.yaml. host.docker.internal is the
 * host itself: through the Docker bridge gateway on Linux, loopback with Docker Desktop.
 */
export async function dataPlaneAddress(engine: Engine, dataPlaneUrl: string, platform: NodeJS.Platform): Promise<DataPlaneAddress> {
  const url = new URL(dataPlaneUrl);
  const port = Number(url.port || 443);
  if (url.hostname !== 'host.docker.internal') return { host: url.hostname.replace(/^\[|\]$/g, ''), port, viaBridge: false };
  if (platform !== 'linux' || !(engine instanceof DockerEngine) || engine.endpoint.protocol !== 'unix') return { host: '127.0.0.1', port, viaBridge: false };
  try {
    return { host: await bridgeGatewayAddress(engine.docker), port, viaBridge: true };
  } catch (err) {
    throw new GatewayError('certificate', messageOf(err), { cause: err });
  }
}

/**
 * On Linux a container reaches host.docker.internal through the Docker bridge, so a control plane on
 * this host must listen on the bridge's gateway address too. Checked before a container is made, because
 * otherwise the gateway dies in `init_etcd` with a message nobody connects to the cause.
 */
export async function checkDataPlaneReachable(address: DataPlaneAddress): Promise<void> {
  if (!address.viaBridge) return;
  if (!(await tcpOpen(address.host, address.port, 2000))) {
    throw new GatewayError(
      'certificate',
      `The control plane's data-plane endpoint (port ${address.port}) does not answer on the Docker bridge address ${address.host}, so the gateway container could not reach it. ` +
        `Restart the control plane with '--dp-listen 127.0.0.1:${address.port} --dp-listen ${address.host}:${address.port}'.`,
    );
  }
}

/**
 * True when the control plane accepts this bundle right now: a mutual-TLS `GET /version` on its
 * data-plane endpoint, as the gateway's `init_etcd` does, verified against the bundle's CA with the
 * cluster's SNI. A certificate from a reset control plane, a revoked or expired one, fails here.
 */
export async function bundleAccepted(address: DataPlaneAddress, sni: string | undefined, bundle: TlsBundle, instanceId: string, timeoutMs = 3000): Promise<boolean> {
  return (await versionStatus(address, sni, bundle, instanceId, timeoutMs)) === 200;
}
