/**
 * The web bridge against the real app service (real engine, real settings in a temp home; the local
 * control plane is not hosted here, the e2e run covers that): who may connect, the token, argument
 * validation with the contract's schemas, envelopes, events, and the static server's guards.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { createAppService, type AppService } from '../../src/core/app/app-service.ts';
import { startUiServer, type UiServer } from '../../src/web/serve-ui.ts';
import { waitFor } from '../helpers/wait-for.ts';

let home: string;
let service: AppService;
let server: UiServer;
let token: string;
const logs: string[] = [];

before(async () => {
  home = await mkdtemp(join(tmpdir(), 'gt-bridge-'));
  const staticDir = join(home, 'static');
  await mkdir(staticDir);
  await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>t</title>');
  await writeFile(join(home, 'secret.txt'), 'do not serve');
  service = await createAppService({ env: { ...process.env, GATEWAY_TRAY_HOME: home }, transport: 'web', hostControlPlane: false, log: (l) => logs.push(l) });
  server = await startUiServer({ service, staticDir, log: (l) => logs.push(l) });
  token = new URL(server.url).hash.replace('#token=', '');
});
after(async () => {
  await server?.close();
  await service?.dispose();
  await rm(home, { recursive: true, force: true });
});

function get(path: string, host = `127.0.0.1:${server.port}`): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, path, headers: { host } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

interface Client {
  ws: WebSocket;
  messages: Array<Record<string, unknown>>;
  closed: Promise<{ code: number }>;
  call(name: string, arg?: unknown): Promise<Record<string, unknown>>;
}

function connect(origin = server.origin): Promise<Client> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/bridge`, { origin });
    const messages: Array<Record<string, unknown>> = [];
    const closed = new Promise<{ code: number }>((r) => ws.once('close', (code) => r({ code })));
    let id = 0;
    ws.on('message', (d) => messages.push(JSON.parse(String(d)) as Record<string, unknown>));
    ws.once('open', () =>
      resolve({
        ws,
        messages,
        closed,
        async call(name, arg) {
          const mine = ++id;
          ws.send(JSON.stringify({ type: 'invoke', id: mine, name, ...(arg === undefined ? {} : { arg }) }));
          const msg = await waitFor(() => messages.find((m) => m.type === 'result' && m.id === mine), { timeoutMs: 20_000, what: `the answer to ${name}` });
          return msg.envelope as Record<string, unknown>;
        },
      }),
    );
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

async function authed(): Promise<Client> {
  const c = await connect();
  c.ws.send(JSON.stringify({ type: 'hello', token }));
  await waitFor(() => c.messages.find((m) => m.type === 'ready'), { timeoutMs: 5000, what: 'ready' });
  return c;
}

test('the page is served with a strict CSP; other hosts, methods and paths outside the build are refused', async () => {
  const page = await get('/');
  assert.equal(page.status, 200);
  assert.match(String(page.headers['content-security-policy']), /script-src 'self'; style-src 'self'/);
  assert.doesNotMatch(String(page.headers['content-security-policy']), /unsafe-inline|unsafe-eval/);
  assert.equal((await get('/', 'evil.example:80')).status, 421, 'DNS rebinding: a foreign Host is refused');
  assert.equal((await get('/../secret.txt')).status, 404);
  assert.equal((await get('/%2e%2e/secret.txt')).status, 404);
});

test('a socket from another origin is refused before it opens', async () => {
  await assert.rejects(connect('http://evil.example'), /HTTP 403/);
  assert.ok(logs.some((l) => l.includes('refused a bridge connection from origin http://evil.example')));
});

test('a wrong token closes the socket, and the token never appears in the log', async () => {
  const c = await connect();
  c.ws.send(JSON.stringify({ type: 'hello', token: `${token.slice(0, -1)}x` }));
  assert.equal((await c.closed).code, 4401);
  const early = await connect();
  early.ws.send(JSON.stringify({ type: 'invoke', id: 1, name: 'getSettings' }));
  assert.equal((await early.closed).code, 4401, 'nothing is answered before the token');
  assert.ok(!logs.join('\n').includes(token));
});

test('with the token, calls are answered in envelopes, and arguments are validated with the contract', async () => {
  const c = await authed();
  const ok = await c.call('getSettings');
  assert.equal(ok.ok, true);
  assert.equal((ok.value as { onboarded: boolean }).onboarded, false);
  const bad = await c.call('updateSettings', { theme: 'neon' });
  assert.equal(bad.ok, false);
  assert.deepEqual(Object.keys(bad.error as object).sort(), ['code', 'message', 'name']);
  assert.equal((bad.error as { code: string }).code, 'bad-argument');
  const unknown = await c.call('constructor');
  assert.equal((unknown.error as { code: string }).code, 'unknown-channel');
  const failing = await c.call('removeProfile', { name: 'local' });
  assert.equal(failing.ok, false);
  assert.match((failing.error as { message: string }).message, /only profile and cannot be removed/);
  c.ws.close();
});

test('events reach every connected socket: a settings change says settingsChanged', async () => {
  const [a, b] = [await authed(), await authed()];
  const changed = await a.call('updateSettings', { theme: 'dark' });
  assert.equal((changed.value as { theme: string }).theme, 'dark');
  for (const c of [a, b]) await waitFor(() => c.messages.find((m) => m.type === 'event' && m.name === 'settingsChanged'), { timeoutMs: 5000, what: 'settingsChanged' });
  a.ws.close();
  b.ws.close();
});
