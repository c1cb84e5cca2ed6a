import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { ControlPlaneContext } from '../context.ts';
import { EtcdError } from '../etcd/client.ts';
import { BodyTooLargeError, parseJson, readBody } from '../http/body.ts';
import { ApiError, Code, sendEnvelope, sendOk } from './envelope.ts';
import { addAccountRoutes } from './handlers/account.ts';
import { addCertificateRoutes } from './handlers/certificates.ts';
import { addClusterRoutes } from '../cluster/status-route.ts';
import { addInstanceRoutes } from './handlers/instances.ts';
import { addRouteRoutes } from './handlers/routes.ts';
import { addTemplateRoutes } from './handlers/template.ts';
import { MODULE_TARBALL_PATH, serveModuleTarball } from './module-download.ts';
import { logRequest } from './request-log.ts';
import { Router } from './router.ts';

const PREFIX = '/api/v1';
const MAX_BODY = 1024 * 1024;

function bearer(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m?.[1];
}

/** The management API of PROTOCOL §1: every answer is an envelope, every call needs the bearer token. */
export function createManagementServer(cp: ControlPlaneContext): Server {
  const router = new Router();
  addAccountRoutes(router, cp);
  addCertificateRoutes(router, cp);
  addTemplateRoutes(router, cp);
  addInstanceRoutes(router, cp);
  addRouteRoutes(router, cp);
  addClusterRoutes(router, cp);

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      sendEnvelope(res, Code.BAD_REQUEST, undefined, 'the request URL does not parse');
      return;
    }
    if (url.pathname === MODULE_TARBALL_PATH) {
      serveModuleTarball(req, res, cp.module);
      return;
    }
    const token = bearer(req);
    const claims = token ? cp.tokens.verify(token, cp.clock.now()) : undefined;
    if (!claims) {
      sendEnvelope(res, Code.UNAUTHORIZED, undefined, token ? 'the access token is invalid, expired or revoked; use the one in the admin-token file' : 'send the access token as "Authorization: Bearer <token>"');
      return;
    }
    const path = url.pathname.startsWith(`${PREFIX}/`) ? url.pathname.slice(PREFIX.length) : undefined;
    const match = path === undefined ? undefined : router.match(req.method ?? 'GET', path);
    if (!match) {
      sendEnvelope(res, Code.NOT_FOUND, undefined, `no such endpoint: ${req.method ?? ''} ${url.pathname}`);
      return;
    }
    const json = async () => {
      let body: Buffer;
      try {
        body = await readBody(req, MAX_BODY);
      } catch (err) {
        if (err instanceof BodyTooLargeError) {
          // The rest of an oversized upload is not worth reading: answer, then close the connection.
          res.setHeader('connection', 'close');
          throw new ApiError(Code.BAD_REQUEST, `${err.message}; send a smaller body`);
        }
        throw err;
      }
      const parsed = parseJson(body);
      if (!parsed.ok) throw new ApiError(Code.BAD_REQUEST, 'the body is not valid JSON');
      return parsed.value;
    };
    const payload = await match.handler({ req, params: match.params, query: url.searchParams, json, userId: claims.sub });
    sendOk(res, payload);
  };

  return createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
    logRequest(req, res, cp.log);
    handle(req, res).catch((err: unknown) => {
      if (err instanceof ApiError) {
        sendEnvelope(res, err.code, undefined, err.message);
      } else if (err instanceof EtcdError) {
        cp.log(`management API: ${err.message}`);
        sendEnvelope(res, Code.INTERNAL, undefined, err.message);
      } else {
        cp.log(`management API: ${req.method ?? ''} ${req.url ?? ''} failed: ${err instanceof Error ? err.message : String(err)}`);
        sendEnvelope(res, Code.INTERNAL, undefined, 'internal error; see the control plane log');
      }
    });
  });
}
