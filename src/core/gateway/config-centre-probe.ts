import { request } from 'node:https';
import type { TlsBundle } from '../credentials/tls-bundle.ts';
import type { DataPlaneAddress } from './dataplane-reach.ts';

/** The endpoint took the TLS handshake but gave no answer: what waits behind it (etcd) does not answer. */
export const HUNG = 'hung';

/** GET /version on the data-plane endpoint with the gateway's own certificate, as its init_etcd does. */
export function versionStatus(address: DataPlaneAddress, sni: string | undefined, bundle: TlsBundle, instanceId: string, timeoutMs = 4000): Promise<number | Error | typeof HUNG> {
  return new Promise((resolve) => {
    let handshook = false;
    const req = request(
      {
        host: address.host,
        port: address.port,
        path: '/version',
        method: 'GET',
        ...(sni ? { servername: sni } : {}),
        cert: bundle.certificate,
        key: bundle.privateKey,
        ca: bundle.caCertificate,
        agent: false,
        headers: { 'X-APISEVEN-Instance-Id': instanceId },
        timeout: timeoutMs,
      },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('socket', (socket) => socket.once('secureConnect', () => (handshook = true)));
    req.on('timeout', () => {
      if (handshook) resolve(HUNG);
      req.destroy(new Error(`no answer within ${timeoutMs} ms`));
    });
    req.on('error', (err) => resolve(err));
    req.end();
  });
}

/**
 * Why a running gateway's config centre does not serve it right now, as a sentence; undefined when it
 * answers (or there is no bundle to ask with). Adopting such a gateway is no success to report as is:
 * it heartbeats, but gets no configuration.
 */
export async function configCentreProblem(bundle: TlsBundle | undefined, address: DataPlaneAddress, sni: string | undefined, instanceId: string): Promise<string | undefined> {
  if (!bundle) return undefined;
  const answer = await versionStatus(address, sni, bundle, instanceId);
  if (answer === 200 || answer instanceof Error) return undefined;
  if (answer === HUNG || answer >= 500) {
    return "config-centre-down: the control plane's config centre (etcd) does not answer the gateway, so it gets no configuration until etcd is back; 'gateway-tray doctor' checks it, and a launch of the local profile restarts it.";
  }
  if (answer === 401 || answer === 403) return `certificate-refused: the control plane refuses the gateway's certificate (HTTP ${answer}); run 'gateway-tray renew-cert'.`;
  return undefined;
}
