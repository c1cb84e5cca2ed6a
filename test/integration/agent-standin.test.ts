/**
 * The open agent (assets/agent) inside the APISIX stand-in playing apisix-runtime, the runtime of the
 * official image (PROTOCOL §6), against a real etcd, the real local control plane and a real dockerd. The
 * container is laid out exactly as PROTOCOL §4 says (see standin-gateway.ts), on a Docker network of this
 * test's own. The heartbeat period is measured at the default 10 s, so most tests wait for heartbeats; the
 * checks on a second gateway (kept-alive connection, resumption, a foreign CA) run beside the first
 * gateway's from the start, so that their heartbeat waits overlap instead of adding up. The same agent on
 * plain OpenResty's API is agent-standin-openresty.test.ts.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { execInContainer } from '../../src/core/engine/exec.ts';
import { startAgentRig, type AgentRig, type RigInstance } from '../helpers/agent-rig.ts';
import { freePort } from '../helpers/docker.ts';
import { STATUS_FILE, startStandinGateway, waitUntilExited, type StandinGateway } from '../helpers/standin-gateway.ts';
import { offersResumption, startTcpCounter } from '../helpers/tcp-counter.ts';
import { testPki } from '../helpers/test-pki.ts';
import { waitFor } from '../helpers/wait-for.ts';

const INTERVAL_MS = 10_000;

let rig: AgentRig;
let gw: StandinGateway;
let firstSeen: RigInstance | undefined;
/** The first heartbeat that tells the config centre's state (not null). */
let firstKnown: RigInstance | undefined;

/** Distinct last_seen_time values of the instance, as the control plane saw them (its clock). */
const beats: number[] = [];
let sampling = true;
let sampler: Promise<void> = Promise.resolve();

const instance = () => rig.instance(gw);

/** What the second gateway's checks saw; the tests that own them assert on it. */
interface KeptGatewayChecks {
  /** A route put through the management API: how long until it was served, what it answered, and applied_revision before and after. */
  route: { servedAfterMs: number; body: string; revisionBefore: number; revisionAfter: number };
  /** New connections over two heartbeats and a metrics upload. */
  opened: number;
  /** Connections opened after the counter dropped every one, and how many offered a TLS session. */
  reconnects: number;
  offeredResumption: number;
}
let keptChecks: Promise<KeptGatewayChecks>;
/** A third gateway's status-file error once its running bundle is replaced by one from a foreign CA. */
let foreignCaError: Promise<string>;

/**
 * A second gateway whose data-plane traffic crosses a TCP counter: during its start-up a route put
 * through the management API (served within 2 s, applied_revision advances; on this gateway, so that the
 * requests do not disturb the first one's API-call count); one connection kept between heartbeats, and
 * a reconnect that offers the old TLS session once the counter drops it. Started once the first gateway
 * has registered, so that its start cannot slow that registration (measured to 2 s); it runs while the
 * first gateway's tests wait for heartbeats.
 */
async function checkKeptGateway(): Promise<KeptGatewayChecks> {
  await waitFor(() => firstSeen, { timeoutMs: 15_000, what: 'the first gateway to register' });
  const dpPort = Number(new URL(rig.h.cp.dataPlaneUrl).port);
  const counter = await startTcpCounter(rig.bridge, { host: '127.0.0.1', port: dpPort });
  try {
    const kept = await rig.startGateway({
      editConfig: (yaml) => yaml.replace(/(https:\/\/host\.docker\.internal:)\d+/, `$1${counter.port}`),
      metricsWarmupS: 0,
    });
    const revisionBefore = (await waitFor(() => rig.instance(kept), { what: 'the second gateway to register' })).applied_revision ?? 0;
    const putAt = Date.now();
    await rig.putRoute('agent-test', { plugins: { 'proxy-rewrite': { uri: '/rewritten' } } });
    const served = await waitFor(
      async () => {
        const res = await rig.get(kept, '/agent-test/x');
        return res.status === 200 ? res : undefined;
      },
      { timeoutMs: 5000, intervalMs: 50, what: 'the route to be served on 9080' },
    );
    const servedAfterMs = Date.now() - putAt;
    const advanced = await waitFor(
      async () => {
        const inst = await rig.instance(kept);
        return (inst.applied_revision ?? 0) > revisionBefore ? inst : undefined;
      },
      { timeoutMs: INTERVAL_MS + 5000, what: 'applied_revision to advance' },
    );
    const route = { servedAfterMs, body: served.body, revisionBefore, revisionAfter: advanced.applied_revision ?? 0 };
    // Start-up is over once the first metrics upload (15 s in) has arrived; then two heartbeats go by.
    await waitFor(async () => (await rig.instance(kept)).metrics, { timeoutMs: 25_000, intervalMs: 250, what: 'the first metrics upload' });
    const before = counter.connections.length;
    const seen = (await rig.instance(kept)).last_seen_time;
    await waitFor(
      async () => {
        const a = await rig.instance(kept);
        return a.last_seen_time !== seen && Date.parse(a.last_seen_time) - Date.parse(seen) >= 2 * INTERVAL_MS - 1000;
      },
      { timeoutMs: 3 * INTERVAL_MS, intervalMs: 200, what: 'two more heartbeats' },
    );
    const opened = counter.connections.length - before;
    // A control plane that drops every connection gets a new one, which offers the old TLS session.
    const dropped = counter.connections.length;
    counter.dropAll();
    const after = Date.parse((await rig.instance(kept)).last_seen_time);
    await waitFor(async () => Date.parse((await rig.instance(kept)).last_seen_time) > after, {
      timeoutMs: INTERVAL_MS + 5000,
      what: 'a heartbeat on a new connection',
    });
    const fresh = counter.connections.slice(dropped);
    return { route, opened, reconnects: fresh.length, offeredResumption: fresh.filter((c) => offersResumption(c.firstBytes)).length };
  } finally {
    await counter.close();
  }
}

/** A third gateway, registered, then given a bundle from a foreign CA: its next heartbeat fails with a TLS error. */
async function checkForeignCa(): Promise<string> {
  await waitFor(() => firstSeen, { timeoutMs: 15_000, what: 'the first gateway to register' });
  const third = await rig.startGateway();
  try {
    await waitFor(() => rig.instance(third), { what: 'the third gateway to register' });
    const pki = testPki();
    await third.putBundle({ certificate: pki.foreignLeaf.pem, private_key: pki.foreignLeaf.keyPem, ca_certificate: rig.h.caPem });
    const failing = await waitFor(
      async () => {
        const s = await third.readStatus();
        return s.consecutive_failures >= 1 && /TLS/.test(s.last_error ?? '') ? s : undefined;
      },
      { timeoutMs: INTERVAL_MS + 10_000, what: 'the status file to show a TLS error' },
    );
    return failing.last_error ?? '';
  } finally {
    await third.remove();
  }
}

before(async () => {
  rig = await startAgentRig('agent');
  gw = await rig.startGateway();
  sampler = (async () => {
    const deadline = Date.now() + 120_000;
    while (sampling && Date.now() < deadline) {
      try {
        const inst = await instance();
        firstSeen ??= inst;
        if (inst.etcd_reachable !== null) firstKnown ??= inst;
        const seen = Date.parse(inst.last_seen_time);
        if (beats.at(-1) !== seen) beats.push(seen);
      } catch {
        // not registered yet
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  keptChecks = checkKeptGateway();
  foreignCaError = checkForeignCa();
  // Awaited by the tests that assert on them; a failure before then is theirs to report, not an unhandled rejection.
  keptChecks.catch(() => undefined);
  foreignCaError.catch(() => undefined);
});

after(async () => {
  sampling = false;
  await Promise.all([keptChecks?.catch(() => undefined), foreignCaError?.catch(() => undefined)]);
  await sampler;
  await rig?.cleanup();
});

describe('the agent in the APISIX stand-in (apisix-runtime)', () => {
  test('registers within 2 s of the container starting, as Healthy, and writes its status file', { timeout: 20_000 }, async (t) => {
    const inst = await waitFor(() => firstSeen, { timeoutMs: 10_000, what: 'the gateway to register' });
    const registeredAfter = Date.parse(inst.register_time) - gw.startedAtMs;
    t.diagnostic(`registered ${registeredAfter} ms after the container started`);
    assert.ok(registeredAfter <= 2000, `registered ${registeredAfter} ms after the container started`);
    assert.equal(inst.status, 'Healthy');
    assert.match(inst.version, /^APISIX\/3\.\d+\.\d+$/);
    const status = await waitFor(() => gw.readStatus(), { timeoutMs: 5000, what: 'the agent status file' });
    assert.equal(status.instance_id, gw.instanceId);
    assert.match(status.run_id ?? '', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.ok(status.registered_at && status.last_success_at && status.last_attempt_at);
    assert.equal(status.consecutive_failures, 0);
    assert.equal(status.last_error, null);
    assert.equal(status.heartbeat_interval_s, 10);
  });

  test('runs in the privileged agent process, as on the official image', { timeout: 10_000 }, async () => {
    await waitFor(async () => /gateway-tray agent: started in the privileged agent/.test(await gw.logs()), {
      what: 'the agent to say where it runs',
    });
  });

  test('reports exactly the API calls served on a route, once, and no request that matched none', { timeout: 60_000 }, async () => {
    /** The first heartbeat accepted well after `ms`, so that it counts every request answered before. */
    const beatAfter = (ms: number) =>
      waitFor(
        async () => {
          const inst = await instance();
          return Date.parse(inst.last_seen_time) > ms + 500 ? inst : undefined;
        },
        { timeoutMs: INTERVAL_MS + 5000, what: 'a heartbeat after the requests' },
      );
    await rig.putRoute('calls');
    await waitFor(async () => (await rig.get(gw, '/calls/x')).status === 200, { what: 'the route to be served' });
    const before = (await beatAfter(Date.now())).api_calls;
    const sent = 7;
    for (let i = 0; i < sent; i++) assert.equal((await rig.get(gw, `/calls/${i}`)).status, 200);
    for (let i = 0; i < 3; i++) assert.equal((await rig.get(gw, `/no-route-${i}`)).status, 404);
    const counted = await beatAfter(Date.now());
    assert.equal(counted.api_calls, before + sent);
    const seen = counted.last_seen_time;
    const next = await waitFor(
      async () => {
        const inst = await instance();
        return inst.last_seen_time !== seen ? inst : undefined;
      },
      { timeoutMs: INTERVAL_MS + 5000, what: 'the next heartbeat' },
    );
    assert.equal(next.api_calls, before + sent, 'the next heartbeat counts nothing twice');
  });

  test('first tells the config centre as unknown while APISIX\'s Prometheus answers 500, then as it is', { timeout: 30_000 }, async () => {
    const first = await waitFor(() => firstSeen, { timeoutMs: 10_000, what: 'the first heartbeat' });
    // The stand-in's Prometheus answers 500 for its first 3 s, as APISIX 3.13's does: no false `false`.
    assert.equal(first.etcd_reachable, null);
    assert.equal(first.status, 'Healthy');
    // The sampler has watched every heartbeat since the start (the API-call test ran meanwhile).
    const known = await waitFor(() => firstKnown, { timeoutMs: INTERVAL_MS + 5000, what: 'a heartbeat that knows the config centre' });
    assert.equal(known.etcd_reachable, true);
  });

  test('serves a route put through the management API within 2 s, and applied_revision advances', { timeout: 60_000 }, async (t) => {
    const { route } = await keptChecks;
    t.diagnostic(`route served ${route.servedAfterMs} ms after the PUT`);
    assert.ok(route.servedAfterMs <= 2000, `served ${route.servedAfterMs} ms after the PUT`);
    assert.equal(route.body, `${rig.token} /rewritten`);
    assert.ok(route.revisionAfter > route.revisionBefore);
  });

  test('uploads metrics that the control plane reads', { timeout: 40_000 }, async () => {
    const inst = await waitFor(
      async () => {
        const i = await instance();
        return (i.metrics?.requests_by_status?.['200'] ?? 0) >= 7 ? i : undefined;
      },
      { timeoutMs: 35_000, intervalMs: 500, what: 'metrics with the 200s to arrive' },
    );
    assert.ok(inst.metrics?.requests_by_status);
  });

  test('beats every 10 s ± 1 s at the default interval', { timeout: 60_000 }, async (t) => {
    await waitFor(() => beats.length >= 4, { timeoutMs: 50_000, intervalMs: 200, what: 'four heartbeats' });
    const periods = beats.slice(1).map((b, i) => b - (beats[i] ?? b));
    t.diagnostic(`periods: ${periods.join(', ')} ms`);
    assert.ok(periods.length >= 3);
    if (periods.some((p) => Math.abs(p - INTERVAL_MS) > 1000)) {
      assert.fail(`periods ${periods.join(', ')} ms; the gateway's log:\n${await gw.logs()}`);
    }
  });

  test('keeps one connection between heartbeats, and offers to resume the TLS session on a new one', { timeout: 120_000 }, async (t) => {
    const kept = await keptChecks;
    t.diagnostic(`${kept.opened} new connections over two heartbeats and a metrics upload`);
    assert.ok(kept.opened <= 1, `${kept.opened} new connections over two heartbeats: the agent does not keep its connection`);
    assert.ok(kept.reconnects >= 1);
    t.diagnostic(`${kept.offeredResumption} of ${kept.reconnects} new connections offered a session`);
    assert.ok(kept.offeredResumption >= 1, 'no reconnect offered to resume the TLS session');
  });

  test('shows a TLS error that names the runtime\'s handshake when its certificate comes from a foreign CA', { timeout: 60_000 }, async (t) => {
    const error = await foreignCaError;
    t.diagnostic(`with a foreign certificate: ${error}`);
    assert.match(error, /TLS/);
  });

  test('shows failures with the error while the control plane is down, and beats within 2 s of its return', { timeout: 60_000 }, async (t) => {
    const port = Number(new URL(rig.h.cp.dataPlaneUrl).port);
    await rig.h.cp.stop();
    const failing = await waitFor(
      async () => {
        const s = await gw.readStatus();
        return s.consecutive_failures >= 2 ? s : undefined;
      },
      { timeoutMs: INTERVAL_MS + 10_000, what: 'the status file to show failures' },
    );
    t.diagnostic(`while down: ${failing.last_error}`);
    assert.match(failing.last_error ?? '', /cannot connect to host\.docker\.internal:\d+ .*connection refused/);
    await rig.h.restart({ dpListen: [{ host: '127.0.0.1', port }, { host: rig.bridge, port }] });
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
});

describe('habits of the official image that the stand-in keeps', () => {
  test('runs as uid 636, which owns the status file', { timeout: 20_000 }, async () => {
    const id = await execInContainer(rig.docker, gw.containerId, ['id', '-u']);
    assert.equal(id.stdout.trim(), '636');
    const owner = await execInContainer(rig.docker, gw.containerId, ['stat', '-c', '%u %a', STATUS_FILE]);
    assert.equal(owner.stdout.trim(), '636 644');
  });

  test('refuses to come up when the config centre does not answer /version', { timeout: 60_000 }, async () => {
    const deadPort = await freePort();
    const dead = await startStandinGateway(rig.docker, {
      client: rig.h.client,
      clusterId: rig.clusterId,
      instanceId: randomUUID(),
      runLabel: rig.run,
      editConfig: (yaml) => yaml.replace(/(https:\/\/host\.docker\.internal:)\d+/, `$1${deadPort}`),
    });
    try {
      const stopped = await waitUntilExited(dead);
      assert.notEqual(stopped.exitCode, 0);
      assert.match(await dead.logs(), /all etcd nodes are unavailable/);
    } finally {
      await dead.remove();
    }
  });
});
