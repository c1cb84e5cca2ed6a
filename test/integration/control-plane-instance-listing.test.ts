import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { CloudClient } from '../../src/core/cloud/client.ts';
import { dpAgent, dpRequest, heartbeatBody, startHarness, type Harness } from '../helpers/control-plane.ts';
import { waitFor } from '../helpers/wait-for.ts';

const COUNT = 23;
let h: Harness;
before(async () => {
  h = await startHarness();
  const creds = await h.client.gatewayCertificate(h.cp.clusterId);
  const tls = { cert: creds.certificate, key: creds.private_key, ca: h.caPem, servername: h.cp.domain };
  const agent = dpAgent(tls);
  try {
    for (let i = 0; i < COUNT; i++) {
      const id = `gw-${String(i).padStart(2, '0')}`;
      const r = await dpRequest(h.cp.dataPlaneUrl, tls, { method: 'POST', path: '/api/v1/dp/instance/heartbeat', body: heartbeatBody(id), agent });
      assert.equal(r.status, 200, r.text);
    }
  } finally {
    agent.destroy();
  }
});
after(async () => {
  await h?.cleanup();
});

async function list(query: string): Promise<{ count: number; ids: string[] }> {
  const res = await fetch(`${h.cp.apiUrl}/api/v1/clusters/${h.cp.clusterId}/instances${query}`, { headers: { authorization: `Bearer ${h.token}` } });
  assert.equal(res.status, 200, query);
  const { payload } = (await res.json()) as { payload: { count: number; list: Array<{ id: string }> } };
  return { count: payload.count, ids: payload.list.map((i) => i.id) };
}

const ids = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `gw-${String(from + i).padStart(2, '0')}`);

test("with neither page nor page_size, every instance is listed (as cloud-cli's SDK expects)", async () => {
  assert.deepEqual(await list(''), { count: COUNT, ids: ids(0, COUNT) });
});

test('with either one given, PROTOCOL §1 paging applies (page_size default 10)', async () => {
  assert.deepEqual(await list('?page_size=5'), { count: COUNT, ids: ids(0, 5) });
  assert.deepEqual(await list('?page=2'), { count: COUNT, ids: ids(10, 20) });
  assert.deepEqual(await list('?page=3&page_size=10'), { count: COUNT, ids: ids(20, COUNT) });
  assert.deepEqual(await list('?page=4'), { count: COUNT, ids: [] });
  const bad = await fetch(`${h.cp.apiUrl}/api/v1/clusters/${h.cp.clusterId}/instances?page=`, { headers: { authorization: `Bearer ${h.token}` } });
  assert.equal(bad.status, 400, 'an empty page is still asked for paging, and is not a number');
});

test("the app's client still walks pages, and gets them all", async () => {
  const from = h.logs.length;
  const client = new CloudClient({ baseUrl: h.cp.apiUrl, token: h.token, pageSize: 10 });
  assert.deepEqual((await client.instances(h.cp.clusterId)).map((i) => i.id), ids(0, COUNT));
  // Pages 1-3, then the empty page 4 that tells it to stop.
  const asked = await waitFor(() => {
    const lines = h.logs.slice(from).filter((l) => l.includes('/instances'));
    return lines.length >= 4 ? lines : undefined;
  }, { what: 'the log lines of four pages' });
  assert.ok(asked.length === 4 && asked.every((l) => /\/instances\?page=\d+&page_size=10 200/.test(l)), asked.join('\n'));
});
