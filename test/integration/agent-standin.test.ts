/**
 * The open agent (assets/agent) inside the APISIX stand-in, against a real etcd, the real local control
 * plane and a real dockerd. The container is laid out exactly as PROTOCOL §4 says (see standin-gateway.ts),
 * on a Docker network of this test's own so that containers other tests start cannot disturb it. The
 * heartbeat period is measured at the default 10 s, so this file takes about 65 s.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type Docker from 'dockerode';
import type { GatewayInstance } from '../../src/core/cloud/types.ts';
import { startHarness, type Harness } from '../helpers/control-plane.ts';
import { ensureStandinImage, freePort, removeContainersByLabel, TEST_LABEL, testDocker, testRunId } from '../helpers/docker.ts';
import { execInContainer } from '../../src/core/engine/exec.ts';
import { bridgeGatewayAddress, createTestNetwork, STATUS_FILE, startStandinGateway, type StandinGateway } from '../helpers/standin-gateway.ts';
import { testPki } from '../helpers/test-pki.ts';
import { waitFor } from '../helpers/wait-for.ts';

const RUN = testRunId('agent');
const INTERVAL_MS = 10_000;

let docker: Docker;
let h: Harness;
let clusterId: string;
let gw: StandinGateway;
let upstream: Server;
let upstreamPort: number;
let bridge: string;
let network: { name: string; remove(): Promise<void> } | undefined;
const token = randomUUID();

/** Distinct last_seen_time values of the instance, as the control plane saw them (its clock). */
const beats: number[] = [];
let sampling = true;
let sampler: Promise<void> = Promise.resolve();

async function instance(): Promise<GatewayInstance & { metrics?: { requests_by_status?: Record<string, number> } | null }> {
  return h.client.instance(clusterId, gw.instanceId);
}

async function get(path: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`http://127.0.0.1:${gw.ports.proxy}${path}`, { signal: AbortSignal.timeout(5000) });
  return { status: res.status, body: await res.text() };
}

before(async () => {
  docker = await testDocker();
  await ensureStandinImage(docker);
  bridge = await bridgeGatewayAddress(docker);
  // An upstream for the route test, where only containers of this test reach it.
  upstream = createServer((req, res) => {
    res.setHeader('content-type', 'text/plain');
    res.end(`${token} ${req.url}`);
  });
  await new Promise<void>((resolve) => upstream.listen(0, bridge, resolve));
  upstreamPort = (upstream.address() as { port: number }).port;
  h = await startHarness({ dpListen: [{ host: '127.0.0.1', port: 0 }, { host: bridge, port: 0 }] });
  const me = await h.client.me();
  const clusters = await h.client.clusters(me.org_ids[0] ?? '');
  clusterId = clusters[0]?.id ?? '';
  assert.ok(clusterId, 'the control plane has a default cluster');
  network = await createTestNetwork(docker, RUN);
  gw = await startStandinGateway(docker, { client: h.client, clusterId, instanceId: randomUUID(), runLabel: RUN, network: network.name });
  sampler = (async () => {
    const deadline = Date.now() + 90_000;
    while (sampling && Date.now() < deadline) {
      try {
        const seen = Date.parse((await instance()).last_seen_time);
        if (beats.at(-1) !== seen) beats.push(seen);
      } catch {
        // not registered yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
});

after(async () => {
  sampling = false;
  await sampler;
  if (gw) await gw.remove();
  await removeContainersByLabel(docker, TEST_LABEL, RUN).catch(() => undefined);
  await network?.remove();
  await h?.cleanup();
  await new Promise<void>((resolve) => (upstream ? upstream.close(() => resolve()) : resolve()));
});

describe('the agent in the APISIX stand-in', () => {
  test('registers within 2 s of the container starting, as Healthy, and writes its status file', { timeout: 20_000 }, async (t) => {
    const inst = await waitFor(() => instance(), { timeoutMs: 10_000, what: 'the gateway to register' });
    const registeredAfter = Date.parse(inst.register_time) - gw.startedAtMs;
    t.diagnostic(`registered ${registeredAfter} ms after the container started`);
    assert.ok(registeredAfter <= 2000, `registered ${registeredAfter} ms after the container started`);
    assert.equal(inst.status, 'Healthy');
    assert.equal(inst.etcd_reachable, true);
    assert.match(inst.version, /^APISIX\/3\.\d+\.\d+$/);
    const status = await waitFor(() => gw.readStatus(), { timeoutMs: 5000, what: 'the agent status file' });
    assert.equal(status.instance_id, gw.instanceId);
    assert.match(status.run_id ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.ok(status.registered_at && status.last_success_at && status.last_attempt_at);
    assert.equal(status.consecutive_failures, 0);
    assert.equal(status.last_error, null);
    assert.equal(status.heartbeat_interval_s, 10);
  });

  test('reports exactly the API calls sent, once', { timeout: 40_000 }, async () => {
    const before = (await instance()).api_calls;
    const sent = 7;
    for (let i = 0; i < sent; i++) assert.equal((await get(`/no-route-${i}`)).status, 404);
    const counted = await waitFor(
      async () => {
        const inst = await instance();
        return inst.api_calls >= before + sent ? inst : undefined;
      },
      { timeoutMs: INTERVAL_MS + 5000, what: `api_calls to reach ${before + sent}` },
    );
    assert.equal(counted.api_calls, before + sent);
    // The next heartbeat must not count them again.
    const seen = counted.last_seen_time;
    const next = await waitFor(
      async () => {
        const inst = await instance();
        return inst.last_seen_time !== seen ? inst : undefined;
      },
      { timeoutMs: INTERVAL_MS + 5000, what: 'the next heartbeat' },
    );
    assert.equal(next.api_calls, before + sent);
  });

  test('serves a route put through the management API within 2 s, and applied_revision advances', { timeout: 30_000 }, async (t) => {
    const revisionBefore = (await instance()).applied_revision ?? 0;
    const putAt = Date.now();
    await h.client.putRoute(clusterId, 'agent-test', {
      uri: '/agent-test/*',
      upstream: { type: 'roundrobin', nodes: { [`host.docker.internal:${upstreamPort}`]: 1 } },
      plugins: { 'proxy-rewrite': { uri: '/rewritten' } },
    });
    const served = await waitFor(
      async () => {
        const res = await get('/agent-test/x');
        return res.status === 200 ? res : undefined;
      },
      { timeoutMs: 5000, intervalMs: 50, what: 'the route to be served on 9080' },
    );
    const took = Date.now() - putAt;
    t.diagnostic(`route served ${took} ms after the PUT`);
    assert.ok(took <= 2000, `served ${took} ms after the PUT`);
    assert.equal(served.body, `${token} /rewritten`);
    const advanced = await waitFor(
      async () => {
        const inst = await instance();
        return (inst.applied_revision ?? 0) > revisionBefore ? inst : undefined;
      },
      { timeoutMs: INTERVAL_MS + 5000, what: 'applied_revision to advance' },
    );
    assert.ok((advanced.applied_revision ?? 0) > revisionBefore);
  });

  test('uploads metrics that the control plane reads', { timeout: 40_000 }, async () => {
    const inst = await waitFor(
      async () => {
        const i = await instance();
        return (i.metrics?.requests_by_status?.['404'] ?? 0) >= 7 && (i.metrics?.requests_by_status?.['200'] ?? 0) >= 1 ? i : undefined;
      },
      { timeoutMs: 35_000, intervalMs: 500, what: 'metrics with the 404s and the 200 to arrive' },
    );
    assert.ok(inst.metrics?.requests_by_status);
  });

  test('beats every 10 s ± 1 s at the default interval', { timeout: 60_000 }, async (t) => {
    await waitFor(() => beats.length >= 4, { timeoutMs: 50_000, intervalMs: 200, what: 'four heartbeats' });
    sampling = false;
    await sampler;
    const periods = beats.slice(1).map((t, i) => t - (beats[i] ?? t));
    t.diagnostic(`periods: ${periods.join(', ')} ms`);
    assert.ok(periods.length >= 3);
    if (periods.some((p) => Math.abs(p - INTERVAL_MS) > 1000)) {
      assert.fail(`periods ${periods.join(', ')} ms; the gateway's log:\n${await gw.logs()}`);
    }
  });

  test('shows failures with the error while the control plane is down, and beats within 2 s of its return', { timeout: 60_000 }, async (t) => {
    const port = Number(new URL(h.cp.dataPlaneUrl).port);
    await h.cp.stop();
    const failing = await waitFor(
      async () => {
        const s = await gw.readStatus();
        return s.consecutive_failures >= 2 ? s : undefined;
      },
      { timeoutMs: INTERVAL_MS + 10_000, what: 'the status file to show failures' },
    );
    t.diagnostic(`while down: ${failing.last_error}`);
    assert.match(failing.last_error ?? '', /cannot connect to host\.docker\.internal:\d+ .*connection refused/);
    await h.restart({ dpListen: [{ host: '127.0.0.1', port }, { host: bridge, port }] });
    const backAt = Date.now();
    const recovered = await waitFor(
      async () => {
        const s = await gw.readStatus();
        return s.consecutive_failures === 0 && s.last_success_at && Date.parse(s.last_success_at) >= backAt ? s : undefined;
      },
      { timeoutMs: 5000, intervalMs: 50, what: 'a heartbeat to succeed again' },
    );
    const took = Date.parse(recovered.last_success_at ?? '') - backAt;
    t.diagnostic(`first heartbeat ${took} ms after the control plane came back`);
    assert.ok(took <= 2000, `the first heartbeat succeeded ${took} ms after the control plane came back`);
    assert.equal(recovered.last_error, null);
  });

  test('shows a TLS error when its certificate comes from a foreign CA', { timeout: 40_000 }, async (t) => {
    const pki = testPki();
    await gw.putBundle({ certificate: pki.foreignLeaf.pem, private_key: pki.foreignLeaf.keyPem, ca_certificate: h.caPem });
    const failing = await waitFor(
      async () => {
        const s = await gw.readStatus();
        return s.consecutive_failures >= 1 && /TLS/.test(s.last_error ?? '') ? s : undefined;
      },
      { timeoutMs: INTERVAL_MS + 10_000, what: 'the status file to show a TLS error' },
    );
    t.diagnostic(`with a foreign certificate: ${failing.last_error}`);
    assert.match(failing.last_error ?? '', /TLS/);
  });
});

describe('habits of the official image that the stand-in keeps', () => {
  test('runs as uid 636, which owns the status file', { timeout: 20_000 }, async () => {
    const id = await execInContainer(docker, gw.containerId, ['id', '-u']);
    assert.equal(id.stdout.trim(), '636');
    const owner = await execInContainer(docker, gw.containerId, ['stat', '-c', '%u %a', STATUS_FILE]);
    assert.equal(owner.stdout.trim(), '636 644');
  });

  test('refuses to come up when the config centre does not answer /version', { timeout: 60_000 }, async () => {
    const deadPort = await freePort();
    const dead = await startStandinGateway(docker, {
      client: h.client,
      clusterId,
      instanceId: randomUUID(),
      runLabel: RUN,
      editConfig: (yaml) => yaml.replace(/(https:\/\/host\.docker\.internal:)\d+/, `$1${deadPort}`),
    });
    try {
      const stopped = await waitFor(
        async () => {
          const s = await dead.state();
          return s.running ? undefined : s;
        },
        { timeoutMs: 45_000, intervalMs: 200, what: 'the gateway to give up' },
      );
      assert.notEqual(stopped.exitCode, 0);
      assert.match(await dead.logs(), /all etcd nodes are unavailable/);
    } finally {
      await dead.remove();
    }
  });
});
