import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { CloudClient } from '../../src/core/cloud/client.ts';
import { CloudApiError } from '../../src/core/cloud/errors.ts';

/**
 * A real HTTP server on loopback whose answers each test sets: the client is tested against bytes on a
 * socket, including the broken answers a proxy or a crashed server gives.
 */
let server: Server;
let baseUrl = '';
let answer: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();
const seen: Array<{ method: string; url: string; auth: string | undefined }> = [];

before(async () => {
  server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', auth: req.headers.authorization });
    answer(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  baseUrl = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

const envelope = (payload: unknown, code = 0, error?: string) => JSON.stringify({ status: { code, message: code ? 'Err' : 'OK' }, payload, error });
const reply = (status: number, body: string, type = 'application/json') => (_req: IncomingMessage, res: ServerResponse) => {
  res.writeHead(status, { 'content-type': type });
  res.end(body);
};
const client = () => new CloudClient({ baseUrl: `${baseUrl}/`, token: 'tok', timeoutMs: 3000 });

async function rejectsWith(p: Promise<unknown>, kind: string, message?: RegExp) {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof CloudApiError, String(err));
    assert.equal(err.kind, kind);
    if (message) assert.match(err.message, message);
    return true;
  });
}

test('it sends the bearer token to /api/v1 and unwraps the payload', async () => {
  seen.length = 0;
  answer = reply(200, envelope({ id: '12', first_name: 'A', last_name: 'B', email: 'a@b', org_ids: ['34'] }));
  const me = await client().me();
  assert.equal(me.org_ids[0], '34');
  assert.deepEqual(seen[0], { method: 'GET', url: '/api/v1/user/me', auth: 'Bearer tok' });
});

test('ids must be decimal strings: a number id is a protocol error', async () => {
  answer = reply(200, envelope({ id: 12, first_name: 'A', last_name: 'B', email: 'a@b', org_ids: [] }));
  await rejectsWith(client().me(), 'protocol', /id/);
  answer = reply(200, envelope({ id: null, first_name: 'A', last_name: 'B', email: 'a@b', org_ids: [] }));
  await rejectsWith(client().me(), 'protocol');
});

test('lists are walked page by page until an empty page', async () => {
  seen.length = 0;
  const all = Array.from({ length: 23 }, (_, i) => ({ id: String(i + 1), name: 'c', org_id: '1', status: 3, domain: 'd', config_version: 0, created_at: '', updated_at: '' }));
  answer = (req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const page = Number(u.searchParams.get('page'));
    const size = Number(u.searchParams.get('page_size'));
    reply(200, envelope({ count: all.length, list: all.slice((page - 1) * size, page * size) }))(req, res);
  };
  const clusters = await client().clusters('1');
  assert.equal(clusters.length, 23);
  assert.deepEqual(seen.map((s) => new URL(s.url, 'http://x').searchParams.get('page')), ['1', '2', '3', '4']);
});

test('error envelopes become typed errors: 401/6, 404/4, 400/3', async () => {
  answer = reply(401, envelope(undefined, 6, 'bad token'));
  await rejectsWith(client().me(), 'unauthorized', /bad token/);
  answer = reply(404, envelope(undefined, 4, 'no such cluster'));
  await rejectsWith(client().cluster('9'), 'not-found', /no such cluster/);
  answer = reply(400, envelope(undefined, 3, 'invalid route'));
  await rejectsWith(client().putRoute('9', '1', {}), 'bad-request', /invalid route/);
  answer = reply(200, envelope(undefined, 13, 'inner failure'));
  await rejectsWith(client().me(), 'server', /inner failure/);
});

test('a 5xx without an envelope and a non-JSON body are handled, not thrown raw', async () => {
  answer = reply(502, '<html><body>Bad Gateway</body></html>', 'text/html');
  await rejectsWith(client().me(), 'server', /HTTP 502.*Bad Gateway/);
  answer = reply(503, '');
  await rejectsWith(client().me(), 'server', /HTTP 503/);
  answer = reply(500, JSON.stringify({ message: 'oops' }));
  await rejectsWith(client().me(), 'server', /without the expected envelope/);
  answer = reply(200, 'plain text');
  await rejectsWith(client().me(), 'protocol', /not JSON/);
  answer = reply(401, 'Unauthorized', 'text/plain');
  await rejectsWith(client().me(), 'unauthorized');
});

test('a connection that breaks or a server that is gone is a network error', async () => {
  answer = (req) => req.socket.destroy();
  await rejectsWith(client().me(), 'network');
  const gone = new CloudClient({ baseUrl: 'http://127.0.0.1:1', token: 't', timeoutMs: 2000 });
  await rejectsWith(gone.me(), 'network', /does not answer/);
});
