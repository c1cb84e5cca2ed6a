import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import type { ClientRequest } from 'node:http';
import { EtcdClient } from '../../src/control-plane/etcd/client.ts';
import { dpRequest, startHarness, type ClientCredentials, type Harness } from '../helpers/control-plane.ts';
import { waitFor } from '../helpers/wait-for.ts';

// Keys that share the prefix's letters but not its folder: another tool's data in the same etcd.
let h: Harness;
let tls: ClientCredentials;
let etcd: EtcdClient;
before(async () => {
  h = await startHarness();
  const creds = await h.client.gatewayCertificate(h.cp.clusterId, 'guard-1');
  tls = { cert: creds.certificate, key: creds.private_key, ca: h.caPem, servername: h.cp.domain };
  etcd = new EtcdClient(h.etcd.url);
  await etcd.put('/apisix_private/secret', 'hunter2');
  await etcd.put('/apisix-dashboard/user', 'admin');
});
after(async () => {
  etcd?.close();
  await h?.cleanup();
});

const b64 = (s: string) => Buffer.from(s).toString('base64');
const keysOf = (kvs: Array<{ key: string }> | undefined) => (kvs ?? []).map((kv) => Buffer.from(kv.key, 'base64').toString());

test("APISIX's whole-prefix read at start gets only keys under /apisix/", async () => {
  const r = await dpRequest(h.cp.dataPlaneUrl, tls, { method: 'POST', path: '/v3/kv/range', body: JSON.stringify({ key: b64('/apisix'), range_end: b64('/apisiy') }) });
  assert.equal(r.status, 200);
  const body = r.json() as { kvs?: Array<{ key: string }>; count?: string };
  const keys = keysOf(body.kvs);
  assert.ok(keys.length > 0 && keys.every((k) => k.startsWith('/apisix/')), keys.join(', '));
  assert.equal(Number(body.count), keys.length);
});

test('a range of a neighbouring folder is refused with etcd’s error shape', async () => {
  for (const [key, end] of [['/apisix_private/', '/apisix_private0'], ['/apisix_private/secret', undefined], ['/apisix-dashboard/', '/apisix-dashboard0']] as const) {
    const r = await dpRequest(h.cp.dataPlaneUrl, tls, { method: 'POST', path: '/v3/kv/range', body: JSON.stringify({ key: b64(key), ...(end ? { range_end: b64(end) } : {}) }) });
    assert.equal(r.status, 403, key);
    assert.equal((r.json() as { code: number }).code, 7);
    assert.doesNotMatch(r.text, /hunter2|aHVudGVyMg/);
  }
});

test('a watch of the whole prefix streams route events and never a neighbour’s', async () => {
  let text = '';
  const u = new URL(h.cp.dataPlaneUrl);
  const req: ClientRequest = request({ hostname: u.hostname, port: u.port, method: 'POST', path: '/v3/watch', agent: false, ...tls, headers: { 'content-type': 'application/json' } }, (res) => {
    res.on('data', (c: Buffer) => (text += c.toString('utf8')));
  });
  req.on('error', () => undefined);
  req.end(JSON.stringify({ create_request: { key: b64('/apisix'), range_end: b64('/apisiy') } }));
  try {
    await waitFor(() => text.includes('"created":true'), { what: 'the watch to be created', timeoutMs: 10_000 });
    await etcd.put('/apisix_private/secret', 'changed');
    await etcd.put('/apisix/routes/after-secret', '{"id":"after-secret"}');
    await waitFor(() => text.includes(b64('/apisix/routes/after-secret')), { what: 'the route event', timeoutMs: 10_000 });
    const keys = text.split('\n').filter(Boolean).flatMap((l) => keysOf(((JSON.parse(l) as { result?: { events?: Array<{ kv: { key: string } }> } }).result?.events ?? []).map((e) => e.kv)));
    assert.deepEqual(keys, ['/apisix/routes/after-secret']);
  } finally {
    req.destroy();
  }
});
