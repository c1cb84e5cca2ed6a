import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { request } from 'node:https';
import { join } from 'node:path';
import { ClusterKv } from '../../src/control-plane/cluster/kv.ts';
import { subjectAltNames } from '../../src/control-plane/pki/certificates.ts';
import { dpAgent, dpRequest, heartbeatBody } from '../helpers/control-plane.ts';
import { freePort } from '../helpers/etcd.ts';
import { startEtcdCluster, type RunningEtcdCluster } from '../helpers/etcd-cluster.ts';
import { api, clientCertificate, listInstances, SimulatedGateway, startReplica, type Replica } from '../helpers/cluster-replica.ts';
import { waitFor } from '../helpers/wait-for.ts';

const OPERATOR_KEY = randomBytes(24).toString('base64');
let etcd: RunningEtcdCluster;
let home: string;
let a: Replica;
let b: Replica;
let advertise: string[];

before(async () => {
  etcd = await startEtcdCluster(3);
  home = await mkdtemp(join(tmpdir(), 'gt-cluster-'));
  const ports = [await freePort(), await freePort()];
  // Each replica, and a load balancer's name that no test dials: the template and the certificate name it too.
  advertise = [...ports.map((p) => `127.0.0.1:${p}`), 'gateways.team.test:7443'];
  const spec = (name: string, dpPort: number) => ({ name, dataDir: join(home, name), dpPort, etcdUrls: etcd.urls, advertise, operatorKey: OPERATOR_KEY, extraArgs: ['--lost-after', '3s'] });
  // Both at once: the first-start race (identity, CA, JWT secret, admin token) is settled in etcd.
  [a, b] = await Promise.all([startReplica(spec('a', ports[0] as number)), startReplica(spec('b', ports[1] as number))]);
});

after(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await etcd?.stop();
  await rm(home, { recursive: true, force: true });
});

test('replicas started together share one identity, one CA, one admin token; the CA key is sealed in etcd', async () => {
  assert.equal(a.clusterId, b.clusterId);
  assert.equal(a.token, b.token, 'every replica writes the same admin token');
  const [caA, caB] = await Promise.all([readFile(join(a.dataDir, 'ca.crt'), 'utf8'), readFile(join(b.dataDir, 'ca.crt'), 'utf8')]);
  const certA = await clientCertificate(a, 'gw-ca-check');
  const certB = await clientCertificate(b, 'gw-ca-check');
  assert.equal(certA.ca, certB.ca, 'one CA');
  assert.equal(caA, caB);
  assert.equal(caA, certA.ca, 'caFile holds the shared CA certificate');
  await assert.rejects(readFile(join(a.dataDir, 'ca.key')), 'no CA key in the data folder');
  const kv = new ClusterKv(etcd.urls);
  try {
    const { kvs } = await kv.list('/gateway-tray-cluster/');
    const all = kvs.map((k) => k.value).join('\n');
    assert.ok(!all.includes('PRIVATE KEY'), 'no private key in etcd in the clear');
    assert.ok(!all.includes(a.token), 'no admin token in etcd in the clear');
    assert.ok(kvs.some((k) => k.key === '/gateway-tray-cluster/ca/key.sealed'));
  } finally {
    kv.close();
  }
  // Server certificates name every address gateways use.
  const serverCert = await readFile(join(a.dataDir, 'server.crt'), 'utf8');
  assert.ok(subjectAltNames(serverCert).includes('127.0.0.1'));
  assert.ok(subjectAltNames(serverCert).includes('gateways.team.test'), 'the load balancer name too');
  assert.ok(subjectAltNames(await readFile(join(b.dataDir, 'server.crt'), 'utf8')).includes('gateways.team.test'));
  // The startup template lists every data-plane address, in order.
  const text = JSON.stringify(await api<unknown>(a, 'GET', `/clusters/${a.clusterId}/startup_config_tpl/apisix`));
  for (const addr of advertise) assert.ok(text.includes(`https://${addr}`), `the template lists ${addr}: ${text.slice(0, 400)}`);
});

test('a gateway registered through replica A is listed Healthy by replica B, and moving to B keeps one registration', async () => {
  const creds = await clientCertificate(a, 'gw-move');
  const gw = new SimulatedGateway('gw-move', creds, [a.dataPlaneUrl]);
  await gw.beat();
  const atB = await waitFor(async () => (await listInstances(b)).find((i) => i.id === 'gw-move' && i.status === 'Healthy'), { what: 'B to list gw-move Healthy' });
  const moved = new SimulatedGateway('gw-move', creds, [b.dataPlaneUrl]);
  await moved.beat();
  const listA = await waitFor(async () => {
    const i = (await listInstances(a)).filter((x) => x.id === 'gw-move');
    return i.length === 1 && i[0]!.last_seen_time > atB.last_seen_time ? i : undefined;
  }, { what: "A to see the beat B took" });
  assert.equal(listA[0]!.register_time, atB.register_time, 'one registration time');
  const listB = (await listInstances(b)).filter((x) => x.id === 'gw-move');
  assert.equal(listB.length, 1);
  assert.equal(listB[0]!.register_time, atB.register_time);
  gw.close();
  moved.close();
});

test('a certificate revoked at A is refused at B within 1 s, also on a connection already open', async () => {
  const creds = await clientCertificate(a, 'gw-revoked');
  const agent = dpAgent(creds);
  const beat = () => dpRequest(b.dataPlaneUrl, creds, { method: 'POST', path: '/api/v1/dp/instance/heartbeat', headers: { 'x-apiseven-instance-id': 'gw-revoked' }, body: heartbeatBody('gw-revoked'), agent, timeoutMs: 2000 });
  assert.equal((await beat()).status, 200, 'the connection to B is open and works');
  await api(a, 'DELETE', `/clusters/${a.clusterId}/gateway_certificate/${creds.serial}`);
  const revokedAt = Date.now();
  await waitFor(async () => {
    try {
      await beat();
      return false;
    } catch {
      return true;
    }
  }, { timeoutMs: 1000, intervalMs: 20, what: 'B to refuse the revoked certificate on the open connection' });
  assert.ok(Date.now() - revokedAt < 1000, `refused after ${Date.now() - revokedAt} ms`);
  // And a new handshake is refused too.
  await assert.rejects(dpRequest(b.dataPlaneUrl, creds, { method: 'POST', path: '/api/v1/dp/instance/heartbeat', body: heartbeatBody('gw-revoked'), timeoutMs: 2000 }));
  agent.destroy();
});

test('a config watch open at A counts for heartbeats that reach B', async () => {
  const creds = await clientCertificate(a, 'gw-watch');
  const body = JSON.stringify({ create_request: { key: Buffer.from('/apisix/routes/').toString('base64'), range_end: Buffer.from('/apisix/routes0').toString('base64') } });
  const u = new URL(a.dataPlaneUrl);
  const watch = request({ hostname: u.hostname, port: u.port, method: 'POST', path: '/v3/watch', agent: false, ...creds, headers: { 'content-type': 'application/json', 'x-apiseven-instance-id': 'gw-watch' } });
  const opened = new Promise<void>((resolve, reject) => {
    watch.on('response', (res) => (res.statusCode === 200 ? resolve() : reject(new Error(`watch answered ${res.statusCode}`))));
    watch.on('error', reject);
  });
  watch.end(body);
  await opened;
  // The gateway says it can't reach the config centre: only the open watch (at A) makes it Healthy at B.
  const beatB = () => dpRequest(b.dataPlaneUrl, creds, { method: 'POST', path: '/api/v1/dp/instance/heartbeat', headers: { 'x-apiseven-instance-id': 'gw-watch' }, body: heartbeatBody('gw-watch', { etcd_reachable: false }) });
  assert.equal((await beatB()).status, 200);
  await waitFor(async () => (await api<{ status: string; config_watch_open: boolean }>(b, 'GET', `/clusters/${b.clusterId}/instances/gw-watch`)).config_watch_open, { what: 'B to see the watch open at A' });
  assert.equal((await api<{ status: string }>(b, 'GET', `/clusters/${b.clusterId}/instances/gw-watch`)).status, 'Healthy');
  watch.destroy();
  await waitFor(async () => (await api<{ status: string; config_watch_open: boolean }>(b, 'GET', `/clusters/${b.clusterId}/instances/gw-watch`)).status === 'Only Heartbeats', { what: 'B to see the watch closed' });
});

test('an etcd member is killed: service goes on; all members stopped: replicas serve what they hold, say so, and recover', async () => {
  const creds = await clientCertificate(a, 'gw-etcd');
  const gw = new SimulatedGateway('gw-etcd', creds, [a.dataPlaneUrl, b.dataPlaneUrl]);
  await gw.beat();
  await etcd.members[0]!.kill();
  // Writes and watches go on through the other members: a beat at A shows at B, a certificate is issued.
  await gw.beat();
  const before = (await listInstances(a)).find((i) => i.id === 'gw-etcd')!.last_seen_time;
  await waitFor(async () => (await listInstances(b)).find((i) => i.id === 'gw-etcd' && i.last_seen_time === before), { what: 'B to see the beat A took with an etcd member down' });
  await clientCertificate(b, 'gw-etcd-2');

  await etcd.members[1]!.kill();
  await etcd.members[2]!.kill();
  // Heartbeats are still taken and the table is still listed, from each replica's cache.
  await gw.beat();
  assert.equal((await listInstances(b)).find((i) => i.id === 'gw-move')?.id, 'gw-move');
  const down = await waitFor(async () => {
    const s = await api<{ etcd: { reachable: boolean; last_error: string | null } }>(a, 'GET', '/cluster');
    return s.etcd.reachable ? undefined : s;
  }, { timeoutMs: 15_000, what: 'A to say that etcd does not answer' });
  assert.ok(down.etcd.last_error);

  await Promise.all(etcd.members.map((m) => m.start()));
  await waitFor(async () => {
    const [sa, sb] = await Promise.all([api<{ etcd: { reachable: boolean }; pending_instance_writes: number }>(a, 'GET', '/cluster'), api<{ etcd: { reachable: boolean } }>(b, 'GET', '/cluster')]);
    return sa.etcd.reachable && sb.etcd.reachable && sa.pending_instance_writes === 0;
  }, { timeoutMs: 30_000, what: 'both replicas to say etcd answers again, with nothing left to write' });
  // The beat taken during the outage reached etcd and the other replica.
  const last = (await listInstances(a)).find((i) => i.id === 'gw-etcd')!.last_seen_time;
  await waitFor(async () => (await listInstances(b)).find((i) => i.id === 'gw-etcd' && i.last_seen_time === last), { timeoutMs: 15_000, what: 'B to see the beat taken during the outage' });
  gw.close();
});

test('a replica killed under load: gateways fail over, none turns Lost, no beat lost beyond one interval', async () => {
  const N = 30;
  const gateways: SimulatedGateway[] = [];
  for (let i = 0; i < N; i++) gateways.push(new SimulatedGateway(`gw-load-${i}`, await clientCertificate(a, `gw-load-${i}`), [a.dataPlaneUrl, b.dataPlaneUrl]));
  let running = true;
  const gaps: number[] = [];
  const loops = gateways.map(async (g) => {
    let last = Date.now();
    while (running) {
      try {
        await g.beat();
        gaps.push(Date.now() - last);
        last = Date.now();
      } catch {
        // counted in g.failures; the next round tries again
      }
      await new Promise((r) => setTimeout(r, 1000));
    }
  });
  const allHealthy = async () => {
    const list = await listInstances(b);
    const load = list.filter((i) => i.id.startsWith('gw-load-'));
    return load.length === N && load.every((i) => i.status === 'Healthy');
  };
  try {
    await waitFor(allHealthy, { timeoutMs: 20_000, what: 'B to list every simulated gateway Healthy' });
    await a.kill();
    const killedAt = Date.now();
    // For longer than the lost threshold (3 s), every listing at B shows them all Healthy.
    while (Date.now() - killedAt < 5000) {
      const list = (await listInstances(b)).filter((i) => i.id.startsWith('gw-load-'));
      assert.equal(list.length, N);
      const notHealthy = list.filter((i) => i.status !== 'Healthy');
      assert.deepEqual(notHealthy.map((i) => `${i.id}: ${i.status}`), []);
      await new Promise((r) => setTimeout(r, 250));
    }
  } finally {
    // Also when an assertion failed: beat loops left running keep the file's process alive to its timeout.
    running = false;
    await Promise.all(loops);
    for (const g of gateways) g.close();
  }
  // A beat every second; a failover costs one failed attempt, so no gap reaches two intervals.
  assert.ok(Math.max(...gaps) < 2 * 1000 + 1000, `longest gap between accepted beats ${Math.max(...gaps)} ms`);
  assert.ok(gateways.every((g) => g.beats > 3));
});
