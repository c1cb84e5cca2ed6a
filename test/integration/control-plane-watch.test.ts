import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { dpRequest, heartbeatBody, startHarness, type ClientCredentials, type Harness } from '../helpers/control-plane.ts';
import { waitFor } from '../helpers/wait-for.ts';

let h: Harness;
let tls: ClientCredentials;
const ID = 'watcher-1';
before(async () => {
  h = await startHarness();
  const creds = await h.client.gatewayCertificate(h.cp.clusterId, ID);
  tls = { cert: creds.certificate, key: creds.private_key, ca: h.caPem, servername: h.cp.domain };
});
after(async () => {
  await h?.cleanup();
});

const b64 = (s: string) => Buffer.from(s).toString('base64');

/** Opens a watch through the data-plane endpoint, as APISIX's etcd client does, and collects what streams in. */
function openWatch(key: string, rangeEnd: string, headers: Record<string, string> = {}) {
  let text = '';
  let response: IncomingMessage | undefined;
  const u = new URL(h.cp.dataPlaneUrl);
  const req: ClientRequest = request({ hostname: u.hostname, port: u.port, method: 'POST', path: '/v3/watch', agent: false, ...tls, headers: { 'content-type': 'application/json', ...headers } }, (res) => {
    response = res;
    res.on('data', (c: Buffer) => {
      text += c.toString('utf8');
    });
  });
  req.on('error', () => undefined);
  req.end(JSON.stringify({ create_request: { key: b64(key), range_end: b64(rangeEnd) } }));
  return { text: () => text, status: () => response?.statusCode, close: () => req.destroy() };
}

test('/version answers through the data-plane endpoint', async () => {
  const r = await dpRequest(h.cp.dataPlaneUrl, tls, { path: '/version' });
  assert.equal(r.status, 200);
  assert.match((r.json() as { etcdcluster: string }).etcdcluster, /^3\.\d+\.\d+$/);
});

test('a route put through the management API arrives on a watch through the data-plane endpoint', async () => {
  const watch = openWatch('/apisix', '/apisiy');
  try {
    await waitFor(() => watch.text().includes('"created":true'), { what: 'the watch to be created', timeoutMs: 10_000 });
    assert.equal(watch.status(), 200);
    // The watch is attributed to the instance its bound certificate names.
    await dpRequest(h.cp.dataPlaneUrl, tls, { method: 'POST', path: '/api/v1/dp/instance/heartbeat', body: heartbeatBody(ID, { etcd_reachable: false }) });
    const inst = await h.client.instance(h.cp.clusterId, ID);
    assert.equal(inst.config_watch_open, true);
    assert.equal(inst.status, 'Healthy');

    await h.client.putRoute(h.cp.clusterId, 'watched', { uri: '/watched', upstream: { nodes: { '127.0.0.1:1980': 1 } } });
    const event = await waitFor(
      () => {
        for (const line of watch.text().split('\n')) {
          if (!line.trim()) continue;
          const msg = JSON.parse(line) as { result?: { events?: Array<{ kv: { key: string; value: string } }> } };
          const ev = msg.result?.events?.find((e) => Buffer.from(e.kv.key, 'base64').toString() === '/apisix/routes/watched');
          if (ev) return ev;
        }
        return undefined;
      },
      { what: 'the route event on the watch', timeoutMs: 10_000 },
    );
    const route = JSON.parse(Buffer.from(event.kv.value, 'base64').toString()) as { id: string; uri: string };
    assert.deepEqual([route.id, route.uri], ['watched', '/watched']);
  } finally {
    watch.close();
  }
  await waitFor(async () => (await h.client.instance(h.cp.clusterId, ID)).config_watch_open === false, { what: 'the closed watch to be forgotten' });
  assert.equal((await h.client.instance(h.cp.clusterId, ID)).status, 'Only Heartbeats');
});

test('a range read returns the routes under the prefix', async () => {
  const r = await dpRequest(h.cp.dataPlaneUrl, tls, { method: 'POST', path: '/v3/kv/range', body: JSON.stringify({ key: b64('/apisix/routes/'), range_end: b64('/apisix/routes0') }) });
  assert.equal(r.status, 200);
  const json = r.json() as { header: { revision: string }; kvs: Array<{ key: string }> };
  assert.ok(Number(json.header.revision) > 0);
  // The directory's marker comes first: gateways' config loaders need it (PROTOCOL §2.3).
  assert.deepEqual(json.kvs.map((kv) => Buffer.from(kv.key, 'base64').toString()), ['/apisix/routes/', '/apisix/routes/watched']);
});

test('gateways may only read: writes, other prefixes and unknown calls are refused', async () => {
  const writes: Array<[string, unknown]> = [
    ['/v3/kv/put', { key: b64('/apisix/routes/evil'), value: b64('{}') }],
    ['/v3/kv/deleterange', { key: b64('/apisix/routes/watched') }],
    ['/v3/kv/txn', { success: [] }],
    ['/v3/lease/grant', { TTL: 60 }],
    ['/v3/auth/authenticate', { name: 'root', password: 'x' }],
    ['/v3/kv/compaction', { revision: 1 }],
  ];
  for (const [path, body] of writes) {
    const r = await dpRequest(h.cp.dataPlaneUrl, tls, { method: 'POST', path, body: JSON.stringify(body) });
    assert.equal(r.status, 403, path);
    assert.equal((r.json() as { code: number }).code, 7, path);
  }
  const outside = [
    { key: b64('/other/secret') },
    { key: b64('/apisix'), range_end: b64('\0') },
    { key: b64('/apisix'), range_end: b64('/zzz') },
    { key: 12 },
    {},
  ];
  for (const body of outside) {
    const r = await dpRequest(h.cp.dataPlaneUrl, tls, { method: 'POST', path: '/v3/kv/range', body: JSON.stringify(body) });
    assert.equal(r.status, 403, JSON.stringify(body));
  }
  const watchOutside = await dpRequest(h.cp.dataPlaneUrl, tls, { method: 'POST', path: '/v3/watch', body: JSON.stringify({ create_request: { key: b64('/'), range_end: b64('\0') } }) });
  assert.equal(watchOutside.status, 403);
  const unknown = await dpRequest(h.cp.dataPlaneUrl, tls, { method: 'POST', path: '/v3/maybe/later', body: '{}' });
  assert.equal(unknown.status, 404);
  const nonsense = await dpRequest(h.cp.dataPlaneUrl, tls, { path: '/etc/passwd' });
  assert.equal(nonsense.status, 404);
  const still = await fetch(`${h.etcd.url}/v3/kv/range`, { method: 'POST', body: JSON.stringify({ key: b64('/apisix/routes/watched') }) });
  assert.equal(((await still.json()) as { count?: string }).count, '1', 'the route was not deleted');
});
