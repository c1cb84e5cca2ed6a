import { randomBytes } from 'node:crypto';
import { createServer, type Server, type ServerOptions } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { ConfigCentreProxy, sendEtcdError } from '../config-centre/proxy.ts';
import { checkKeyRange, prefixDir } from '../config-centre/key-guard.ts';
import type { ControlPlaneContext } from '../context.ts';
import { EtcdEndpoint, type EtcdTls } from '../etcd/transport.ts';
import { BodyTooLargeError, parseJson, readBody } from '../http/body.ts';
import { Code, envelopeText, sendEnvelope, sendEnvelopeText } from '../management/envelope.ts';
import { INSTANCE_ID } from '../management/handlers/certificates.ts';
import { acceptHeartbeat, HEARTBEAT_PAYLOAD, MAX_METRICS_SIZE, MetricsBody } from './heartbeat.ts';
import { verifyBodySignature } from './hmac.ts';
import { readPeer, type PeerInfo } from './peer.ts';
import { SignerSerials } from './signer-serials.ts';

const HEARTBEAT_PATH = '/api/v1/dp/instance/heartbeat';
const METRICS_PATH = '/api/v1/dp/metrics';
const CONFIG_BODY_LIMIT = 64 * 1024;
const HEARTBEAT_BODY_LIMIT = 64 * 1024;
// Made once: these answers never vary (see sendEnvelopeText).
const HEARTBEAT_OK = envelopeText(Code.OK, HEARTBEAT_PAYLOAD);
const METRICS_OK = envelopeText(Code.OK, {});
/** etcd's write and admin calls: refused, the config centre is read-only for gateways. */
const WRITE_PATHS = /^\/v3(beta|alpha)?\/(kv\/(put|deleterange|txn|compaction)|lease\/|auth\/|cluster\/|maintenance\/)/;

export interface DataPlaneTls {
  certPem: string;
  keyPem: string;
  caPem: string;
}

/** Gateways beat every 10 s; an idle connection must outlive at least two intervals (PROTOCOL §2). */
export const HEARTBEAT_INTERVAL_MS = 10_000;

/**
 * The TLS and HTTP settings of the listener. Idle kept-alive connections are closed only by
 * keepAliveTimeout: headersTimeout and requestTimeout apply while a request is being received, not between
 * requests, and server.timeout (no socket timeout) stays 0. TLS session tickets (one key for every
 * listener of this endpoint) let a gateway that did reconnect resume instead of a full RSA handshake.
 */
export function dataPlaneServerOptions(tls: DataPlaneTls, ticketKeys: Buffer): ServerOptions {
  return {
    cert: tls.certPem,
    key: tls.keyPem,
    ca: tls.caPem,
    requestCert: true,
    rejectUnauthorized: true,
    minVersion: 'TLSv1.2',
    ticketKeys,
    // Node's default, said here because a resumed session skips chain verification: requests are still
    // checked against the revoke list and the certificate's expiry (see handle()).
    sessionTimeout: 300,
    keepAliveTimeout: 65_000,
    headersTimeout: 30_000,
    requestTimeout: 0,
  };
}

export interface DataPlaneEndpoint {
  servers: Server[];
  createServer(): Server;
  close(): void;
}

/**
 * The mTLS listener gateways talk to (PROTOCOL §2): heartbeat, metrics and the config centre. The TLS
 * layer requires a client certificate chaining to the cluster CA (which also refuses expired ones); a
 * revoked serial is refused here at handshake, before any byte of HTTP is read.
 */
export function createDataPlaneEndpoint(cp: ControlPlaneContext, tls: DataPlaneTls, etcd: { url: string | string[]; tls?: EtcdTls | undefined }): DataPlaneEndpoint {
  const peers = new WeakMap<TLSSocket, PeerInfo>();
  const proxy = new ConfigCentreProxy(new EtcdEndpoint(etcd.url, etcd.tls), prefixDir(cp.prefix), cp.watches, cp.log);
  const servers: Server[] = [];
  const signers = cp.signers ?? new SignerSerials();
  const ticketKeys = randomBytes(48);

  const onSecure = (socket: TLSSocket) => {
    const peer = socket.authorized ? readPeer(socket) : undefined;
    if (!peer || cp.revocation.has(peer.serial)) {
      socket.destroy();
      return;
    }
    peers.set(socket, peer);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const peer = peers.get(req.socket as TLSSocket);
    // A certificate revoked (or expired) while its connection or TLS session lived is refused from the next
    // request on. Expiry is judged on the real clock, as the TLS layer judges it.
    if (!peer || cp.revocation.has(peer.serial) || peer.notAfterMs <= Date.now()) {
      req.socket.destroy();
      return;
    }
    const headerId = single(req.headers['x-apiseven-instance-id']);
    if (headerId !== undefined && !INSTANCE_ID.test(headerId)) {
      sendEnvelope(res, Code.BAD_REQUEST, undefined, 'X-APISEVEN-Instance-Id is not a valid instance id');
      return;
    }
    if (peer.boundInstanceId !== undefined && headerId !== undefined && headerId !== peer.boundInstanceId) {
      sendEnvelope(res, Code.FORBIDDEN, undefined, `this client certificate is bound to instance ${peer.boundInstanceId}, not ${headerId}; fetch a certificate for this instance`);
      return;
    }
    const instanceId = headerId ?? peer.boundInstanceId;
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const method = req.method ?? 'GET';

    if (path === '/version' && method === 'GET') {
      proxy.forward(req, res, '/version', undefined, undefined);
      return;
    }
    if ((path === '/v3/kv/range' || path === '/v3/watch') && method === 'POST') {
      const body = await readBody(req, CONFIG_BODY_LIMIT);
      const parsed = parseJson(body);
      if (!parsed.ok) return sendEtcdError(res, 400, 3, 'the request body is not JSON');
      const refused = checkKeyRange(path === '/v3/watch' ? 'watch' : 'range', parsed.value, cp.prefix);
      if (refused) return sendEtcdError(res, 403, 7, refused);
      proxy.forward(req, res, path, body, instanceId);
      return;
    }
    if (WRITE_PATHS.test(path)) return sendEtcdError(res, 403, 7, 'the config centre is read-only for gateways');
    if (path.startsWith('/v3')) return sendEtcdError(res, 404, 5, `the config centre does not serve ${path}`);

    if ((path === HEARTBEAT_PATH || path === METRICS_PATH) && method === 'POST') {
      const limit = path === METRICS_PATH ? MAX_METRICS_SIZE + 64 * 1024 : HEARTBEAT_BODY_LIMIT;
      const body = await readBody(req, limit);
      const parsed = parseJson(body);
      if (!parsed.ok) return sendEnvelope(res, Code.BAD_REQUEST, undefined, 'the body is not valid JSON');
      const claimed = idOf(parsed.value);
      const signature = single(req.headers['x-hmac-signature']);
      const signer = instanceId ?? claimed;
      // A certificate minted without an instance id may not speak for an instance registered with a bound one.
      const spokenFor = [signer, claimed].filter((id): id is string => id !== undefined);
      const taken = peer.boundInstanceId === undefined ? spokenFor.find((id) => cp.registry.boundOnly(id)) : undefined;
      if (taken !== undefined) {
        return sendEnvelope(res, Code.FORBIDDEN, undefined, `instance ${taken} registered with a certificate bound to it; this unbound certificate may not speak for it`);
      }
      const runId = single(req.headers['x-apiseven-run-id']);
      if (signature !== undefined) {
        const serials = signer === undefined ? [] : signers.candidates(signer, runId, peer.serial).filter((s) => !cp.revocation.has(s));
        if (signer === undefined || !verifyBodySignature(body, signature, serials, signer)) {
          return sendEnvelope(res, Code.BAD_REQUEST, undefined, 'X-HMAC-SIGNATURE does not match the body');
        }
      }
      if (signer !== undefined && (peer.boundInstanceId === undefined || peer.boundInstanceId === signer)) signers.remember(signer, runId, peer.serial);
      if (path === HEARTBEAT_PATH) {
        if (peer.boundInstanceId !== undefined && claimed !== undefined && claimed !== peer.boundInstanceId) {
          return sendEnvelope(res, Code.FORBIDDEN, undefined, `this client certificate is bound to instance ${peer.boundInstanceId}, not ${claimed}`);
        }
        const outcome = acceptHeartbeat(cp, parsed.value, instanceId, runId, peer);
        if (!outcome.ok) return sendEnvelope(res, Code.BAD_REQUEST, undefined, outcome.reason);
        return sendEnvelopeText(res, 200, HEARTBEAT_OK);
      }
      const metrics = MetricsBody.safeParse(parsed.value);
      if (!metrics.success) return sendEnvelope(res, Code.BAD_REQUEST, undefined, 'metrics need {id, metrics: "<Prometheus text>"}');
      if (instanceId !== undefined && metrics.data.id !== instanceId) {
        return sendEnvelope(res, Code.BAD_REQUEST, undefined, 'the body id differs from the instance id of the request');
      }
      if (!cp.registry.metrics(metrics.data.id, metrics.data.metrics)) {
        return sendEnvelope(res, Code.NOT_FOUND, undefined, `instance ${metrics.data.id} is not registered; send a heartbeat first`);
      }
      return sendEnvelopeText(res, 200, METRICS_OK);
    }
    sendEnvelope(res, Code.NOT_FOUND, undefined, `no such endpoint: ${method} ${path}`);
  };

  const create = () => {
    const server = createServer(
      dataPlaneServerOptions(tls, ticketKeys),
      (req, res) => {
        handle(req, res).catch((err: unknown) => {
          if (err instanceof BodyTooLargeError) {
            res.setHeader('connection', 'close');
            sendEnvelope(res, Code.BAD_REQUEST, undefined, `${err.message}; send less`, 413);
            return;
          }
          cp.log(`data plane: ${req.method ?? ''} ${req.url ?? ''} failed: ${err instanceof Error ? err.message : String(err)}`);
          sendEnvelope(res, Code.INTERNAL, undefined, 'internal error');
        });
      },
    );
    server.prependListener('secureConnection', onSecure);
    // A refused handshake (no certificate, another CA, expired) is the client's problem, not an error here.
    server.on('tlsClientError', () => undefined);
    servers.push(server);
    return server;
  };

  return { servers, createServer: create, close: () => proxy.close() };
}

function single(h: string | string[] | undefined): string | undefined {
  return Array.isArray(h) ? h[0] : h;
}

function idOf(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const id = (value as { id?: unknown }).id;
  return typeof id === 'string' ? id : undefined;
}
