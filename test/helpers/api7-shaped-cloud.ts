/**
 * An API7-shaped cloud for the tests: our real control plane (on a real etcd) behind a small HTTP front on
 * 127.0.0.1 that answers two requests as API7 Cloud and its download host do (PROTOCOL §6):
 *
 * - `GET /api/v1/clusters/{id}/startup_config_tpl/apisix` returns API7 Cloud's template shape (spaces in the
 *   placeholders, the APISIX 2.15 layout, hook `cloud`, a `.ljbc` Lua path, shared dict `cloud`), with the
 *   real control plane's data-plane host, port and SNI filled in. The request itself is passed to the real
 *   control plane first, so its token is checked as before.
 * - `GET /assets/cloud_module_beta.tar.gz` serves a module tarball with **no** token, with an ETag, in
 *   pieces so a download shows progress. It records every request, to prove no Authorization header came
 *   and to count downloads.
 *
 * Everything else is passed through to the real management API unchanged.
 */
import { createHash } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'yaml';
import { CloudClient } from '../../src/core/cloud/client.ts';
import { api7StartupTemplate } from '../fixtures/api7-startup-template.ts';
import type { Harness } from './control-plane.ts';

export const MODULE_PATH = '/assets/cloud_module_beta.tar.gz';

export interface ModuleRequest {
  status: number;
  headers: IncomingHttpHeaders;
}

export interface Api7ShapedCloud {
  /** Management API base URL of the front (http://127.0.0.1:port). */
  apiUrl: string;
  /** A client of the front, with the real control plane's token. */
  client: CloudClient;
  /** Where the module tarball is served, without a token. */
  moduleUrl: string;
  /** The module served at moduleUrl (set before a launch); undefined makes it answer 404. */
  setModule(tarball: Buffer | undefined): void;
  /** Every request for the module, in order. */
  moduleRequests: ModuleRequest[];
  /** How many template requests the front rewrote. */
  templatesServed(): number;
  stop(): Promise<void>;
}

interface RealTemplate {
  deployment: { etcd: { host: string[]; tls?: { sni?: string } } };
}

function readBody(req: import('node:http').IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Passes one request to the real management API and returns its answer. */
function forward(upstream: URL, method: string, path: string, headers: IncomingHttpHeaders, body: Buffer): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: upstream.hostname, port: upstream.port, method, path, headers: { ...headers, host: upstream.host }, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

export async function startApi7ShapedCloud(h: Harness): Promise<Api7ShapedCloud> {
  const upstream = new URL(h.cp.apiUrl);
  let module: Buffer | undefined;
  const moduleRequests: ModuleRequest[] = [];
  let templates = 0;

  const server: Server = createServer((req, res) => {
    void (async () => {
      const path = req.url ?? '/';
      if (req.method === 'GET' && path === MODULE_PATH) {
        if (!module) {
          moduleRequests.push({ status: 404, headers: req.headers });
          res.writeHead(404).end('no module set');
          return;
        }
        const etag = `"${createHash('sha256').update(module).digest('hex').slice(0, 20)}"`;
        if (req.headers['if-none-match'] === etag) {
          moduleRequests.push({ status: 304, headers: req.headers });
          res.writeHead(304, { etag }).end();
          return;
        }
        moduleRequests.push({ status: 200, headers: req.headers });
        res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': module.length, etag });
        const step = Math.max(1, Math.ceil(module.length / 8));
        for (let i = 0; i < module.length; i += step) res.write(module.subarray(i, i + step));
        res.end();
        return;
      }
      const body = await readBody(req);
      const answer = await forward(upstream, req.method ?? 'GET', path, req.headers, body);
      if (req.method === 'GET' && /^\/api\/v1\/clusters\/[0-9]+\/startup_config_tpl\/apisix$/.test(path) && answer.status === 200) {
        const real = parse((JSON.parse(answer.body.toString('utf8')) as { payload: { configuration: string } }).payload.configuration) as RealTemplate;
        const etcdUrl = real.deployment.etcd.host[0]!;
        const configuration = api7StartupTemplate({ etcdUrl, sni: real.deployment.etcd.tls?.sni ?? new URL(etcdUrl).hostname });
        templates += 1;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: { code: 0, message: 'OK' }, payload: { configuration } }));
        return;
      }
      const { 'transfer-encoding': _te, connection: _c, 'content-length': _cl, ...headers } = answer.headers;
      res.writeHead(answer.status, headers).end(answer.body);
    })().catch((err: unknown) => {
      res.writeHead(502).end(`api7-shaped cloud: ${err instanceof Error ? err.message : String(err)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const apiUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    apiUrl,
    client: new CloudClient({ baseUrl: apiUrl, token: h.token }),
    moduleUrl: `${apiUrl}${MODULE_PATH}`,
    setModule(tarball) {
      module = tarball;
    },
    moduleRequests,
    templatesServed: () => templates,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
