import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { CloudApiError } from '../../src/core/cloud/errors.ts';
import { Envelope } from '../../src/core/cloud/envelope.ts';
import { dpRequest, heartbeatBody, startHarness, type Harness } from '../helpers/control-plane.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.cleanup();
});

const DECIMAL = /^[1-9]\d*$/;

/** A raw call, to check the envelope bytes themselves rather than what the client makes of them. */
async function raw(method: string, path: string, opts: { token?: string | null; body?: string } = {}) {
  const headers: Record<string, string> = {};
  const token = opts.token === undefined ? h.token : opts.token;
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${h.cp.apiUrl}/api/v1${path}`, { method, headers, body: opts.body });
  const json = (await res.json()) as { status: { code: number; message: string }; payload?: unknown; error?: string };
  assert.ok(Envelope.safeParse(json).success, `${method} ${path} answers an envelope`);
  return { status: res.status, json };
}

const c = () => h.cp.clusterId;

test('every successful answer is an envelope with code 0 and string ids', async () => {
  const me = await raw('GET', '/user/me');
  assert.equal(me.status, 200);
  assert.deepEqual(me.json.status, { code: 0, message: 'OK' });
  const user = me.json.payload as { id: string; org_ids: string[] };
  assert.match(user.id, DECIMAL);
  assert.deepEqual(user.org_ids, [h.cp.orgId]);

  const org = await h.client.organization(h.cp.orgId);
  assert.equal(org.id, h.cp.orgId);
  const clusters = await h.client.clusters(h.cp.orgId);
  assert.equal(clusters.length, 1);
  assert.equal(clusters[0]?.id, c());
  assert.match(c(), DECIMAL);
  const cluster = await h.client.cluster(c());
  assert.equal(cluster.status, 3);
  assert.equal(cluster.org_id, h.cp.orgId);
  assert.equal(cluster.domain, h.cp.domain);
  assert.ok(!Number.isNaN(Date.parse(cluster.created_at)));
});

test('401 with code 6 without a token, with a wrong one, and on every endpoint', async () => {
  const paths = ['/user/me', `/orgs/${h.cp.orgId}`, `/clusters/${c()}`, `/clusters/${c()}/instances`, `/clusters/${c()}/routes`, '/nowhere'];
  for (const path of paths) {
    for (const token of [null, 'nope', `${h.token}x`, 'a.b.c']) {
      const r = await raw('GET', path, { token });
      assert.equal(r.status, 401, `${path} with ${String(token)}`);
      assert.equal(r.json.status.code, 6);
      assert.equal(typeof r.json.error, 'string');
    }
  }
  await assert.rejects(
    new (h.client.constructor as typeof import('../../src/core/cloud/client.ts').CloudClient)({ baseUrl: h.cp.apiUrl, token: 'bad' }).me(),
    (e: unknown) => e instanceof CloudApiError && e.kind === 'unauthorized',
  );
});

test('404 with code 4 for unknown paths, orgs, clusters, instances and routes', async () => {
  for (const path of ['/nowhere', `/orgs/1`, `/orgs/1/clusters`, `/clusters/1`, `/clusters/1/instances`, `/clusters/${c()}/instances/ghost`, `/clusters/${c()}/routes/ghost`, `/clusters/1/gateway_certificate`]) {
    const r = await raw('GET', path);
    assert.equal(r.status, 404, path);
    assert.equal(r.json.status.code, 4, path);
  }
  const del = await raw('DELETE', `/clusters/${c()}/instances/ghost`);
  assert.equal(del.json.status.code, 4);
  const wrongMethod = await raw('PATCH', '/user/me');
  assert.equal(wrongMethod.json.status.code, 4);
});

test('the gateway certificate: PEMs, a fresh serial each call, bound when asked', async () => {
  const a = await h.client.gatewayCertificate(c());
  const b = await h.client.gatewayCertificate(c(), 'gw-1');
  assert.equal(a.ca_certificate.trim(), h.caPem.trim());
  assert.notEqual(a.certificate, b.certificate);
  const { X509Certificate } = await import('node:crypto');
  const bx = new X509Certificate(b.certificate);
  assert.equal(bx.subjectAltName, 'URI:urn:gateway-tray:instance:gw-1');
  assert.notEqual(new X509Certificate(a.certificate).serialNumber, bx.serialNumber);
  const bad = await raw('GET', `/clusters/${c()}/gateway_certificate?instance_id=${encodeURIComponent('../etc')}`);
  assert.equal(bad.status, 400);
  assert.equal(bad.json.status.code, 3);
});

test('the startup template is an APISIX data_plane config pointing at the data-plane endpoint', async () => {
  const text = await h.client.startupTemplate(c());
  assert.match(text, /\{\{\.TLSDir\}\}\/tls\.crt/);
  assert.match(text, /\{\{\.CloudModuleDir\}\}\/\?\.lua/);
  const cfg = parseYaml(text) as {
    apisix: { lua_module_hook: string; ssl: { ssl_trusted_certificate: string } };
    deployment: { role: string; role_data_plane: { config_provider: string }; etcd: { host: string[]; prefix: string; tls: { sni: string; verify: boolean } } };
    plugin_attr: { prometheus: { export_addr: { port: number } } };
    nginx_config: { http: { custom_lua_shared_dict: Record<string, string> } };
  };
  const port = new URL(h.cp.dataPlaneUrl).port;
  assert.equal(cfg.deployment.role, 'data_plane');
  assert.equal(cfg.deployment.role_data_plane.config_provider, 'etcd');
  assert.deepEqual(cfg.deployment.etcd.host, [`https://host.docker.internal:${port}`]);
  assert.equal(cfg.deployment.etcd.prefix, '/apisix');
  assert.equal(cfg.deployment.etcd.tls.sni, h.cp.domain);
  assert.equal(cfg.deployment.etcd.tls.verify, true);
  assert.equal(cfg.apisix.lua_module_hook, 'gateway_tray_agent.hook');
  assert.equal(cfg.apisix.ssl.ssl_trusted_certificate, '{{.TLSDir}}/ca.crt');
  assert.equal(cfg.plugin_attr.prometheus.export_addr.port, 9091);
  assert.equal(cfg.nginx_config.http.custom_lua_shared_dict['gateway-tray-agent'], '1m');
  assert.doesNotMatch(text, /PRIVATE KEY|BEGIN CERTIFICATE/);
});

test('routes: put, get, list with paging, delete, and bad bodies give a 400 envelope', async () => {
  for (let i = 1; i <= 12; i++) {
    const r = await h.client.putRoute(c(), `r${String(i).padStart(2, '0')}`, { uri: `/r/${i}`, upstream: { nodes: { '127.0.0.1:1980': 1 } } });
    assert.equal(r.id, `r${String(i).padStart(2, '0')}`);
  }
  const one = await h.client.route(c(), 'r03');
  assert.equal(one.uri, '/r/3');
  // Each route names the config-centre revision that last changed it, so a client can tell when a
  // gateway (whose applied_revision reaches it) has it.
  const r03 = one.mod_revision as number;
  assert.ok(Number.isInteger(r03) && r03 > 0);
  const updated = await h.client.putRoute(c(), 'r03', { uri: '/r/3b', upstream: { nodes: { '127.0.0.1:1980': 1 } } });
  assert.ok((updated.mod_revision as number) > r03);
  assert.equal((await h.client.route(c(), 'r03')).mod_revision, updated.mod_revision);
  const page2 = await raw('GET', `/clusters/${c()}/routes?page=2&page_size=5`);
  assert.deepEqual((page2.json.payload as { count: number; list: Array<{ id: string }> }).list.map((r) => r.id), ['r06', 'r07', 'r08', 'r09', 'r10']);
  assert.equal((page2.json.payload as { count: number }).count, 12);
  const past = await raw('GET', `/clusters/${c()}/routes?page=4&page_size=5`);
  assert.deepEqual(past.json.payload, { count: 12, list: [] });
  assert.equal((await h.client.routes(c())).length, 12);

  const posted = await raw('POST', `/clusters/${c()}/routes`, { body: JSON.stringify({ uri: '/posted', upstream: { nodes: [{ host: 'example.test', port: 80, weight: 1 }] } }) });
  assert.equal(posted.status, 200);
  assert.match((posted.json.payload as { id: string }).id, DECIMAL);

  const bad = [
    'not json',
    '[]',
    '{}',
    JSON.stringify({ uri: 'no-slash', upstream: { nodes: { 'a:1': 1 } } }),
    JSON.stringify({ uri: '/x' }),
    JSON.stringify({ uri: '/x', upstream: { nodes: { 'a:1': 'heavy' } } }),
    JSON.stringify({ uri: '/x', upstream: { nodes: [{ host: 'a', port: 70000 }] } }),
    JSON.stringify({ uri: '/x', methods: ['FETCH'], upstream: { nodes: { 'a:1': 1 } } }),
    JSON.stringify({ uri: 5, upstream: { nodes: { 'a:1': 1 } } }),
    JSON.stringify({ id: 'other', uri: '/x', upstream: { nodes: { 'a:1': 1 } } }),
  ];
  for (const body of bad) {
    const r = await raw('PUT', `/clusters/${c()}/routes/r99`, { body });
    assert.equal(r.status, 400, body);
    assert.equal(r.json.status.code, 3, body);
    assert.ok(r.json.error, body);
  }
  for (const id of ['a/b', 'a b', 'x'.repeat(65)]) {
    const r = await raw('PUT', `/clusters/${c()}/routes/${encodeURIComponent(id)}`, { body: JSON.stringify({ uri: '/x', upstream: { nodes: { 'a:1': 1 } } }) });
    assert.equal(r.status, 400, id);
    assert.equal(r.json.status.code, 3, id);
  }
  for (const q of ['page=0', 'page=x', 'page_size=0', 'page_size=100000', 'page=1.5']) {
    const r = await raw('GET', `/clusters/${c()}/routes?${q}`);
    assert.equal(r.status, 400, q);
    assert.equal(r.json.status.code, 3, q);
  }

  await h.client.deleteRoute(c(), 'r01');
  await assert.rejects(h.client.route(c(), 'r01'), (e: unknown) => e instanceof CloudApiError && e.kind === 'not-found');
  await assert.rejects(h.client.deleteRoute(c(), 'r01'), (e: unknown) => e instanceof CloudApiError && e.kind === 'not-found');
});

test('instances: listed with paging, fetched, deleted', async () => {
  const creds = await h.client.gatewayCertificate(c());
  const tls = { cert: creds.certificate, key: creds.private_key, ca: h.caPem, servername: h.cp.domain };
  for (let i = 0; i < 3; i++) {
    const r = await dpRequest(h.cp.dataPlaneUrl, tls, { method: 'POST', path: '/api/v1/dp/instance/heartbeat', body: heartbeatBody(`inst-${i}`, { api_calls: i }) });
    assert.equal(r.status, 200, r.text);
  }
  const all = await h.client.instances(c());
  assert.deepEqual(all.map((i) => i.id), ['inst-0', 'inst-1', 'inst-2']);
  const one = await h.client.instance(c(), 'inst-2');
  assert.equal(one.status, 'Healthy');
  assert.equal(one.api_calls, 2);
  assert.equal(one.version, 'APISIX/3.13.0');
  assert.ok(!Number.isNaN(Date.parse(one.last_seen_time)));
  assert.ok(!Number.isNaN(Date.parse(one.cert_not_after ?? '')));
  const page = await raw('GET', `/clusters/${c()}/instances?page=2&page_size=2`);
  assert.deepEqual((page.json.payload as { list: Array<{ id: string }> }).list.map((i) => i.id), ['inst-2']);
  await h.client.deleteInstance(c(), 'inst-1');
  assert.deepEqual((await h.client.instances(c())).map((i) => i.id), ['inst-0', 'inst-2']);
});

test('a restart on the same folder keeps the CA, the token, the ids and the instances', async () => {
  const before = { ca: h.caPem, token: h.token, cluster: c(), org: h.cp.orgId };
  await h.restart();
  assert.equal(h.caPem, before.ca);
  assert.equal(h.token, before.token);
  assert.equal(c(), before.cluster);
  assert.equal(h.cp.orgId, before.org);
  assert.deepEqual((await h.client.instances(c())).map((i) => i.id), ['inst-0', 'inst-2']);
  for (const f of ['ca.key', 'server.key', 'admin-token', 'jwt-secret', 'tokens.json', 'instances.json']) {
    assert.equal((await stat(`${h.dataDir}/${f}`)).mode & 0o777, 0o600, f);
  }
});
