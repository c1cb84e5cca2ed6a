import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { prefixEnd } from '../../src/control-plane/etcd/client.ts';
import { startControlPlane } from '../../src/control-plane/index.ts';
import { dpRequest, startHarness, type Harness } from '../helpers/control-plane.ts';
import { startEtcd } from '../helpers/etcd.ts';

const DIRS = ['upstreams', 'ssls', 'stream_routes', 'plugin_metadata', 'routes', 'services', 'consumers', 'global_rules', 'protos', 'plugin_configs', 'consumer_groups', 'secrets'];
const b64 = (s: string) => Buffer.from(s).toString('base64');

interface RawKv {
  key: string;
  value: string;
  mod_revision: string;
  create_revision: string;
}

/** Straight from etcd, not through the control plane: what a gateway's config loader will read. */
async function etcdRange(url: string, prefix: string): Promise<Map<string, { value: string; modRevision: number }>> {
  const res = await fetch(`${url}/v3/kv/range`, { method: 'POST', body: JSON.stringify({ key: b64(prefix), range_end: prefixEnd(prefix).toString('base64') }) });
  const json = (await res.json()) as { kvs?: RawKv[] };
  return new Map((json.kvs ?? []).map((kv) => [Buffer.from(kv.key, 'base64').toString(), { value: Buffer.from(kv.value ?? '', 'base64').toString(), modRevision: Number(kv.mod_revision) }]));
}

async function etcdPut(url: string, key: string, value: string): Promise<void> {
  const res = await fetch(`${url}/v3/kv/put`, { method: 'POST', body: JSON.stringify({ key: b64(key), value: b64(value) }) });
  assert.equal(res.status, 200);
}

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.cleanup();
});

test("the directory markers of APISIX 3.x are written at start, raw 'init_dir' as APISIX's init_etcd writes them", async () => {
  const kvs = await etcdRange(h.etcd.url, '/apisix/');
  for (const dir of DIRS) assert.equal(kvs.get(`/apisix/${dir}/`)?.value, 'init_dir', dir);
  assert.ok(h.logs.some((l) => /directory markers/.test(l)));
});

test('the global rule that makes APISIX count every route is there, in the stored shape of a global rule', async () => {
  const rule = (await etcdRange(h.etcd.url, '/apisix/global_rules/')).get('/apisix/global_rules/gateway-tray-prometheus');
  assert.ok(rule, 'the rule exists');
  const body = JSON.parse(rule.value) as { id: string; plugins: Record<string, unknown>; create_time: number; update_time: number };
  assert.equal(body.id, 'gateway-tray-prometheus');
  assert.deepEqual(body.plugins, { prometheus: {} });
  assert.ok(Number.isInteger(body.create_time) && body.create_time === body.update_time);
});

test('a restart rewrites nothing: no marker and no rule changes revision, and a changed one is left alone', async () => {
  await etcdPut(h.etcd.url, '/apisix/protos/', 'kept as the user left it');
  const before = await etcdRange(h.etcd.url, '/apisix/');
  await h.restart();
  const after = await etcdRange(h.etcd.url, '/apisix/');
  for (const [key, kv] of before) assert.equal(after.get(key)?.modRevision, kv.modRevision, key);
  assert.equal(after.get('/apisix/protos/')?.value, 'kept as the user left it');
});

test('listings skip the markers and the global rule: a fresh control plane lists no routes', async () => {
  assert.deepEqual(await h.client.routes(h.cp.clusterId), []);
  const res = await fetch(`${h.cp.apiUrl}/api/v1/clusters/${h.cp.clusterId}/routes?page=1&page_size=100`, { headers: { authorization: `Bearer ${h.token}` } });
  assert.deepEqual(((await res.json()) as { payload: unknown }).payload, { count: 0, list: [] });
  // Even a marker whose value parses as JSON (a tool that JSON-encoded it) is not a route.
  await etcdPut(h.etcd.url, '/apisix/routes/', '{"init_dir":true}');
  await h.client.putRoute(h.cp.clusterId, 'only', { uri: '/only', upstream: { nodes: { '127.0.0.1:1980': 1 } } });
  assert.deepEqual((await h.client.routes(h.cp.clusterId)).map((r) => r.id), ['only']);
  await etcdPut(h.etcd.url, '/apisix/routes/', 'init_dir');
});

test('gateways read the markers through the config centre but cannot write them', async () => {
  const creds = await h.client.gatewayCertificate(h.cp.clusterId);
  const tls = { cert: creds.certificate, key: creds.private_key, ca: h.caPem, servername: h.cp.domain };
  const read = await dpRequest(h.cp.dataPlaneUrl, tls, { method: 'POST', path: '/v3/kv/range', body: JSON.stringify({ key: b64('/apisix/routes/') }) });
  assert.equal(read.status, 200);
  assert.equal(Buffer.from((read.json() as { kvs: Array<{ value: string }> }).kvs[0]?.value ?? '', 'base64').toString(), 'init_dir');
  for (const [path, body] of [
    ['/v3/kv/put', { key: b64('/apisix/routes/'), value: b64('x') }],
    ['/v3/kv/deleterange', { key: b64('/apisix/routes/') }],
    ['/v3/kv/put', { key: b64('/apisix/global_rules/gateway-tray-prometheus'), value: b64('{}') }],
  ] as const) {
    const r = await dpRequest(h.cp.dataPlaneUrl, tls, { method: 'POST', path, body: JSON.stringify(body) });
    assert.equal(r.status, 403, path);
  }
  const kvs = await etcdRange(h.etcd.url, '/apisix/');
  assert.equal(kvs.get('/apisix/routes/')?.value, 'init_dir');
  assert.ok(kvs.has('/apisix/global_rules/gateway-tray-prometheus'));
});

test("a user's global rules are not clobbered, and one that already enables prometheus means none is added", async () => {
  const etcd = await startEtcd();
  const dataDir = await mkdtemp(join(tmpdir(), 'gt-cp-seed-'));
  const logs: string[] = [];
  try {
    const theirs = JSON.stringify({ id: '1', plugins: { prometheus: { prefer_name: true } } });
    await etcdPut(etcd.url, '/custom/global_rules/1', theirs);
    const cp = await startControlPlane({ dataDir, etcdUrl: etcd.url, etcdPrefix: '/custom', log: (l) => logs.push(l) });
    await cp.stop();
    const kvs = await etcdRange(etcd.url, '/custom/');
    assert.equal(kvs.get('/custom/global_rules/1')?.value, theirs);
    assert.equal(kvs.has('/custom/global_rules/gateway-tray-prometheus'), false, 'two rules would count each request twice');
    assert.ok(logs.some((l) => /global rule 1 already enables prometheus/.test(l)), logs.join('\n'));
    for (const dir of DIRS) assert.equal(kvs.get(`/custom/${dir}/`)?.value, 'init_dir', `the configured prefix, not /apisix: ${dir}`);
    assert.equal((await etcdRange(etcd.url, '/apisix/')).size, 0);

    // A rule that disables prometheus, or another plugin's rule, does not count.
    await etcdPut(etcd.url, '/custom/global_rules/1', JSON.stringify({ id: '1', plugins: { prometheus: { _meta: { disable: true } } } }));
    await etcdPut(etcd.url, '/custom/global_rules/2', JSON.stringify({ id: '2', plugins: { 'ip-restriction': { whitelist: ['127.0.0.1'] } } }));
    const again = await startControlPlane({ dataDir, etcdUrl: etcd.url, etcdPrefix: '/custom', log: (l) => logs.push(l) });
    await again.stop();
    const after = await etcdRange(etcd.url, '/custom/global_rules/');
    assert.ok(after.has('/custom/global_rules/gateway-tray-prometheus'));
    assert.equal(JSON.parse(after.get('/custom/global_rules/2')?.value ?? '{}').id, '2');
  } finally {
    await etcd.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
});
