import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { startHarness, type Harness } from '../helpers/control-plane.ts';
import { waitFor } from '../helpers/wait-for.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.cleanup();
});

const LINE = /^management API: (\S+) (\S+) (\d{3}|closed before the answer was sent, after) (\d+) ms$/;

/** The request-log lines written since `from`, parsed. */
function requestLines(from: number) {
  return h.logs
    .slice(from)
    .map((l) => LINE.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ method: m[1] ?? '', path: m[2] ?? '', status: m[3] ?? '', ms: Number(m[4]) }));
}

test('one line per management request: method, path, status and milliseconds', async () => {
  const from = h.logs.length;
  const auth = { authorization: `Bearer ${h.token}` };
  await (await fetch(`${h.cp.apiUrl}/api/v1/user/me`, { headers: auth })).arrayBuffer();
  await (await fetch(`${h.cp.apiUrl}/api/v1/clusters/${h.cp.clusterId}/instances?page=2&page_size=5`, { headers: auth })).arrayBuffer();
  await (await fetch(`${h.cp.apiUrl}/api/v1/user/me`)).arrayBuffer();
  await (await fetch(`${h.cp.apiUrl}/api/v1/nowhere`, { headers: auth })).arrayBuffer();
  await (await fetch(`${h.cp.apiUrl}/api/v1/clusters/${h.cp.clusterId}/routes/r1`, { method: 'PUT', headers: auth, body: 'not json' })).arrayBuffer();
  await (await fetch(`${h.cp.apiUrl}/api/v1/cloud_lua_module.tar.gz`)).arrayBuffer();
  const lines = await waitFor(() => (requestLines(from).length >= 6 ? requestLines(from) : undefined), { what: 'six request-log lines' });
  assert.deepEqual(
    lines.map((l) => `${l.method} ${l.path} ${l.status}`),
    [
      'GET /api/v1/user/me 200',
      `GET /api/v1/clusters/${h.cp.clusterId}/instances?page=2&page_size=5 200`,
      'GET /api/v1/user/me 401',
      'GET /api/v1/nowhere 404',
      'PUT /api/v1/clusters/' + h.cp.clusterId + '/routes/r1 400',
      'GET /api/v1/cloud_lua_module.tar.gz 200',
    ],
  );
  for (const l of lines) assert.ok(Number.isInteger(l.ms) && l.ms >= 0 && l.ms < 10_000);
});

test('no token reaches the log: not the Authorization header, not a token in the query', async () => {
  const from = h.logs.length;
  const secret = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2VjcmV0c2lnbmF0dXJl';
  await (await fetch(`${h.cp.apiUrl}/api/v1/user/me?access_token=${secret}&page=1&api_key=k123`, { headers: { authorization: `Bearer ${h.token}` } })).arrayBuffer();
  await (await fetch(`${h.cp.apiUrl}/api/v1/user/me`, { headers: { authorization: `Bearer ${secret}` } })).arrayBuffer();
  await (await fetch(`${h.cp.apiUrl}/api/v1/clusters/${secret}`, { headers: { authorization: `Bearer ${h.token}` } })).arrayBuffer();
  const lines = await waitFor(() => {
    const mine = h.logs.slice(from).filter((l) => l.startsWith('management API: '));
    return mine.length >= 3 ? mine : undefined;
  }, { what: 'three request-log lines' });
  const text = lines.join('\n');
  for (const s of [h.token, secret, 'k123', 'Bearer']) assert.equal(text.includes(s), false, `${s.slice(0, 12)}… is not logged`);
  assert.ok(text.includes('/api/v1/user/me?access_token=[redacted]&page=1&api_key=[redacted] 200'), text);
  assert.ok(text.includes('/api/v1/clusters/[token redacted] 404'), text);
});

test('a client that hangs up before the answer is logged too', async () => {
  const from = h.logs.length;
  const u = new URL(h.cp.apiUrl);
  await new Promise<void>((resolve) => {
    // Declares a body it never finishes, then goes away: the handler is still waiting for the body.
    const req = request({ hostname: u.hostname, port: u.port, method: 'PUT', path: `/api/v1/clusters/${h.cp.clusterId}/routes/gone`, headers: { authorization: `Bearer ${h.token}`, 'content-length': '100' } });
    req.on('error', () => resolve());
    req.write('{"uri":', () => setImmediate(() => {
      req.destroy();
      resolve();
    }));
  });
  const lines = await waitFor(() => requestLines(from).find((l) => l.path.endsWith('/routes/gone')), { what: 'the log line of the abandoned request' });
  assert.equal(lines.method, 'PUT');
});
