import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { dpRequest, heartbeatBody, startHarness, type ClientCredentials, type Harness } from '../helpers/control-plane.ts';

let h: Harness;
const creds = async (id?: string): Promise<ClientCredentials> => {
  const c = await h.client.gatewayCertificate(h.cp.clusterId, id);
  return { cert: c.certificate, key: c.private_key, ca: h.caPem, servername: h.cp.domain };
};
before(async () => {
  h = await startHarness({ clientCertLifetimeMs: 2 * 60_000 });
});
after(async () => {
  await h?.cleanup();
});

test('an unbound certificate may not heartbeat or send metrics for an instance registered with a bound one', async () => {
  const bound = await creds('bound-owner');
  const unbound = await creds();
  const first = await dpRequest(h.cp.dataPlaneUrl, bound, { method: 'POST', path: '/api/v1/dp/instance/heartbeat', body: heartbeatBody('bound-owner') });
  assert.equal(first.status, 200);
  const before = await h.client.instance(h.cp.clusterId, 'bound-owner');

  const hijack = await dpRequest(h.cp.dataPlaneUrl, unbound, { method: 'POST', path: '/api/v1/dp/instance/heartbeat', headers: { 'x-apiseven-instance-id': 'bound-owner' }, body: heartbeatBody('bound-owner') });
  assert.equal(hijack.status, 403);
  assert.match(hijack.text, /registered with a certificate bound to it/);
  const noHeader = await dpRequest(h.cp.dataPlaneUrl, unbound, { method: 'POST', path: '/api/v1/dp/instance/heartbeat', body: heartbeatBody('bound-owner') });
  assert.equal(noHeader.status, 403);
  const metrics = await dpRequest(h.cp.dataPlaneUrl, unbound, { method: 'POST', path: '/api/v1/dp/metrics', body: JSON.stringify({ id: 'bound-owner', metrics: '' }) });
  assert.equal(metrics.status, 403);
  const after = await h.client.instance(h.cp.clusterId, 'bound-owner');
  assert.equal(after.last_seen_time, before.last_seen_time, 'the refused heartbeat left no trace');

  // An instance that registered unbound keeps working unbound (older gateways), and the bound owner still does.
  assert.equal((await dpRequest(h.cp.dataPlaneUrl, unbound, { method: 'POST', path: '/api/v1/dp/instance/heartbeat', body: heartbeatBody('unbound-one') })).status, 200);
  assert.equal((await dpRequest(h.cp.dataPlaneUrl, unbound, { method: 'POST', path: '/api/v1/dp/instance/heartbeat', body: heartbeatBody('unbound-one') })).status, 200);
  assert.equal((await dpRequest(h.cp.dataPlaneUrl, bound, { method: 'POST', path: '/api/v1/dp/instance/heartbeat', body: heartbeatBody('bound-owner') })).status, 200);
});

test('the binding survives a control-plane restart (it is in instances.json)', async () => {
  const bound = await creds('bound-restart');
  assert.equal((await dpRequest(h.cp.dataPlaneUrl, bound, { method: 'POST', path: '/api/v1/dp/instance/heartbeat', body: heartbeatBody('bound-restart') })).status, 200);
  await h.restart({ clientCertLifetimeMs: 2 * 60_000 });
  const unbound = await creds();
  const r = await dpRequest(h.cp.dataPlaneUrl, unbound, { method: 'POST', path: '/api/v1/dp/instance/heartbeat', body: heartbeatBody('bound-restart') });
  assert.equal(r.status, 403);
});

test('clientCertLifetimeMs sets the lifetime of the certificates the control plane issues', async () => {
  const c = await h.client.gatewayCertificate(h.cp.clusterId, 'short-lived');
  const x = new X509Certificate(c.certificate);
  const lifetime = Date.parse(x.validTo) - Date.now();
  assert.ok(lifetime > 60_000 && lifetime <= 2 * 60_000 + 1000, `about 2 minutes left, got ${lifetime} ms`);
});
