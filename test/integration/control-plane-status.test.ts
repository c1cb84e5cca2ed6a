import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { dpRequest, heartbeatBody, startHarness, type ClientCredentials, type Harness } from '../helpers/control-plane.ts';
import { waitFor } from '../helpers/wait-for.ts';

// Shrunk thresholds, real clock: what takes 30 s and 2 h in production takes 3 s and 6 s here.
const LOST_AFTER_MS = 3000;
const OFFLINE_AFTER_MS = 6000;

let h: Harness;
let tls: ClientCredentials;
before(async () => {
  h = await startHarness({ lostAfterMs: LOST_AFTER_MS, offlineAfterMs: OFFLINE_AFTER_MS, purgeAfterMs: 60_000 });
  const creds = await h.client.gatewayCertificate(h.cp.clusterId);
  tls = { cert: creds.certificate, key: creds.private_key, ca: h.caPem, servername: h.cp.domain };
});
after(async () => {
  await h?.cleanup();
});

const beat = async (id: string, more: Record<string, unknown> = {}) => {
  const r = await dpRequest(h.cp.dataPlaneUrl, tls, { method: 'POST', path: '/api/v1/dp/instance/heartbeat', headers: { 'x-apiseven-instance-id': id, 'x-apiseven-run-id': 'run-1' }, body: heartbeatBody(id, more) });
  assert.equal(r.status, 200, r.text);
};
const status = async (id: string) => (await h.client.instance(h.cp.clusterId, id)).status;

test('Healthy → Lost Connection → Offline, and back to Healthy on the next heartbeat', async () => {
  const sent = Date.now();
  await beat('gw-a', { api_calls: 4 });
  const first = await h.client.instance(h.cp.clusterId, 'gw-a');
  assert.equal(first.status, 'Healthy');
  assert.equal(first.register_time, first.last_seen_time);
  await waitFor(async () => (await status('gw-a')) === 'Lost Connection', { what: 'Lost Connection', timeoutMs: 10_000 });
  assert.ok(Date.now() - sent > LOST_AFTER_MS);
  await waitFor(async () => (await status('gw-a')) === 'Offline', { what: 'Offline', timeoutMs: 15_000 });
  assert.ok(Date.now() - sent > OFFLINE_AFTER_MS);
  await beat('gw-a', { api_calls: 1 });
  const back = await h.client.instance(h.cp.clusterId, 'gw-a');
  assert.equal(back.status, 'Healthy');
  assert.equal(back.api_calls, 5);
  assert.equal(back.register_time, first.register_time);
});

test('a gateway sending a time of its own does not change its liveness', async () => {
  await beat('gw-b', { last_seen_time: '2001-01-01T00:00:00Z', register_time: '2999-01-01T00:00:00Z' });
  const inst = await h.client.instance(h.cp.clusterId, 'gw-b');
  assert.equal(inst.status, 'Healthy');
  assert.ok(Math.abs(Date.parse(inst.last_seen_time) - Date.now()) < 5000);
});

test('metrics are parsed into request totals by status code', async () => {
  await beat('gw-m');
  const metrics = 'apisix_http_status{code="200",route="1"} 7\napisix_http_status{code="503",route="1"} 2\n';
  const r = await dpRequest(h.cp.dataPlaneUrl, tls, { method: 'POST', path: '/api/v1/dp/metrics', body: JSON.stringify({ id: 'gw-m', domain: 'x', metrics }) });
  assert.equal(r.status, 200, r.text);
  const inst = (await h.client.instance(h.cp.clusterId, 'gw-m')) as unknown as { metrics: { requests_by_status: Record<string, number>; total_requests: number } };
  assert.deepEqual(inst.metrics.requests_by_status, { '200': 7, '503': 2 });
  assert.equal(inst.metrics.total_requests, 9);
  const unknown = await dpRequest(h.cp.dataPlaneUrl, tls, { method: 'POST', path: '/api/v1/dp/metrics', body: JSON.stringify({ id: 'never-seen', metrics }) });
  assert.equal(unknown.status, 404);
});

test('Only Heartbeats when the config channel is down: etcd stops under an open watch', async () => {
  // The gateway's own view says the config centre is unreachable; only an open watch makes it Healthy.
  await beat('gw-w', { etcd_reachable: false });
  assert.equal(await status('gw-w'), 'Only Heartbeats');
  const u = new URL(h.cp.dataPlaneUrl);
  let created = false;
  let ended = false;
  const req = request(
    { hostname: u.hostname, port: u.port, method: 'POST', path: '/v3/watch', agent: false, ...tls, headers: { 'x-apiseven-instance-id': 'gw-w', 'content-type': 'application/json' } },
    (res) => {
      res.on('data', (c: Buffer) => {
        if (c.toString().includes('"created":true')) created = true;
      });
      res.on('close', () => {
        ended = true;
      });
    },
  );
  req.on('error', () => {
    ended = true;
  });
  req.end(JSON.stringify({ create_request: { key: Buffer.from('/apisix').toString('base64'), range_end: Buffer.from('/apisiy').toString('base64') } }));
  try {
    await waitFor(() => created, { what: 'the watch to open' });
    await beat('gw-w', { etcd_reachable: false });
    assert.equal(await status('gw-w'), 'Healthy');

    await h.etcd.stop();
    await waitFor(() => ended, { what: 'the watch to end when etcd stops', timeoutMs: 15_000 });
    await beat('gw-w', { etcd_reachable: false });
    await waitFor(async () => (await status('gw-w')) === 'Only Heartbeats', { what: 'Only Heartbeats' });

    // Without etcd the control plane keeps answering: heartbeats, the management API, and a clear error.
    const cluster = await h.client.cluster(h.cp.clusterId);
    assert.equal(cluster.id, h.cp.clusterId);
    const range = await dpRequest(h.cp.dataPlaneUrl, tls, { method: 'POST', path: '/v3/kv/range', body: JSON.stringify({ key: Buffer.from('/apisix/routes/').toString('base64') }) });
    assert.equal(range.status, 502);
    await assert.rejects(h.client.routes(h.cp.clusterId), /etcd/);
  } finally {
    req.destroy();
  }
});
