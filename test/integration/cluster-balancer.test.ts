import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { statusCommand } from '../../src/cli/commands/control-plane-lifecycle.ts';
import { signBody } from '../../src/control-plane/data-plane/hmac.ts';
import { subjectAltNames } from '../../src/control-plane/pki/certificates.ts';
import { dpRequest, heartbeatBody, type ClientCredentials } from '../helpers/control-plane.ts';
import { freePort } from '../helpers/etcd.ts';
import { startEtcdCluster, type RunningEtcdCluster } from '../helpers/etcd-cluster.ts';
import { api, clientCertificate, listInstances, SimulatedGateway, startReplica, type Replica } from '../helpers/cluster-replica.ts';
import { startBalancer, type RunningBalancer } from '../helpers/haproxy.ts';
import { waitFor } from '../helpers/wait-for.ts';

const OPERATOR_KEY = randomBytes(24).toString('base64');
/** The name gateways dial the balancer by; the test reaches it on 127.0.0.1 and checks the certificate against this name. */
const LB_NAME = 'lb.gateways.test';

let etcd: RunningEtcdCluster;
let home: string;
let a: Replica;
let b: Replica;
let lb: RunningBalancer;

before(async () => {
  etcd = await startEtcdCluster(3);
  home = await mkdtemp(join(tmpdir(), 'gt-cluster-lb-'));
  const [pa, pb, plb] = [await freePort(), await freePort(), await freePort()];
  // Gateways know only the balancer's address: the template and every replica's certificate name it.
  const advertise = [`${LB_NAME}:${plb}`];
  // A's data folder is <home>/a/control-plane, where `control-plane status` of GATEWAY_TRAY_HOME=<home>/a looks.
  const spec = (name: string, dpPort: number) => ({ name, dataDir: join(home, name, 'control-plane'), dpPort, etcdUrls: etcd.urls, advertise, operatorKey: OPERATOR_KEY, extraArgs: ['--lost-after', '3s'] });
  [a, b] = await Promise.all([startReplica(spec('a', pa)), startReplica(spec('b', pb))]);
  lb = await startBalancer(home, plb, [{ name: 'a', port: pa }, { name: 'b', port: pb }]);
});

after(async () => {
  await lb?.stop();
  await Promise.all([a?.stop(), b?.stop()]);
  await etcd?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

/** Credentials that check the server certificate against the balancer's name, as a gateway dialing it does. */
async function throughBalancer(id: string): Promise<ClientCredentials> {
  return { ...(await clientCertificate(a, id)), servername: LB_NAME };
}

/** `control-plane status` as the CLI runs it, in this process (a CLI process of its own costs seconds of startup). */
async function status(args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l), env: { ...process.env, GATEWAY_TRAY_HOME: join(home, 'a') } };
  const code = await statusCommand(args, io, 'usage');
  return { code, out: lines.join('\n') };
}

test('control-plane status shows the cluster part: the other replica, etcd, its members, the prefix', async () => {
  const json = await waitFor(async () => {
    const st = JSON.parse((await status(['--json'])).out) as { healthy: boolean; cluster?: { replica: string; prefix: string; other_replicas: string[]; etcd: { reachable: boolean; members: string[] } } };
    return st.cluster && st.cluster.other_replicas.length === 1 ? st : undefined;
  }, { timeoutMs: 15_000, intervalMs: 200, what: 'status --json of A to show B as the other replica' });
  const cluster = json.cluster!;
  assert.equal(json.healthy, true);
  assert.equal(cluster.prefix, '/gateway-tray-cluster/');
  assert.equal(cluster.etcd.reachable, true);
  assert.deepEqual(cluster.etcd.members, etcd.urls);
  const bSays = await api<{ replica: string }>(b, 'GET', '/cluster');
  assert.deepEqual(cluster.other_replicas, [bSays.replica]);

  const text = await status([]);
  assert.equal(text.code, 0);
  assert.match(text.out, new RegExp(`Cluster: replica ${cluster.replica}, 1 other replica\\(s\\) seen: ${bSays.replica}`));
  assert.match(text.out, /etcd {12}answers/);
  assert.match(text.out, new RegExp(`members {9}${etcd.urls.join(', ')}`));
  assert.match(text.out, /prefix {10}\/gateway-tray-cluster\//);
});

test('a gateway that renewed at A and signs with its old serial (API7 module) is accepted when it moves to B', async () => {
  const id = 'gw-renew-move';
  const signed = (url: string, creds: ClientCredentials, serial: string, runId: string) => {
    const body = heartbeatBody(id);
    return dpRequest(url, creds, {
      method: 'POST',
      path: '/api/v1/dp/instance/heartbeat',
      body,
      headers: { 'x-apiseven-instance-id': id, 'x-apiseven-run-id': runId, 'x-hmac-signature': signBody(body, serial, id) },
    });
  };
  const first = await clientCertificate(a, id);
  assert.equal((await signed(a.dataPlaneUrl, first, first.serial, 'run-1')).status, 200);
  // Renewed: the new certificate on TLS, the key still derived from the first serial.
  const renewed = await clientCertificate(a, id);
  assert.notEqual(renewed.serial, first.serial);
  assert.equal((await signed(a.dataPlaneUrl, renewed, first.serial, 'run-1')).status, 200, 'A saw both serials in this run');
  // B never saw the first serial itself: it knows it from etcd, within a second.
  const atB = await waitFor(async () => {
    const r = await signed(b.dataPlaneUrl, renewed, first.serial, 'run-1');
    return r.status === 200 ? r : undefined;
  }, { timeoutMs: 1000, intervalMs: 50, what: 'B to accept the old-serial signature of the renewed gateway' });
  assert.equal(atB.status, 200);
  // Still only for that run: a restarted gateway (another run) signs with its current serial.
  const otherRun = await signed(b.dataPlaneUrl, renewed, first.serial, 'run-2');
  assert.equal(otherRun.status, 400, otherRun.text);
});

test('behind haproxy (TCP): gateways register and beat through it, one replica killed, none turns Lost', async () => {
  const serverCert = await readFile(join(a.dataDir, 'server.crt'), 'utf8');
  assert.ok(subjectAltNames(serverCert).includes(LB_NAME), 'the server certificate names the balancer');
  assert.ok(subjectAltNames(await readFile(join(b.dataDir, 'server.crt'), 'utf8')).includes(LB_NAME));
  const template = JSON.stringify(await api<unknown>(a, 'GET', `/clusters/${a.clusterId}/startup_config_tpl/apisix`));
  assert.ok(template.includes(`https://${LB_NAME}:${lb.port}`), `the template lists the balancer: ${template.slice(0, 300)}`);

  const N = 16;
  const url = `https://127.0.0.1:${lb.port}`;
  const gateways: SimulatedGateway[] = [];
  for (let i = 0; i < N; i++) gateways.push(new SimulatedGateway(`gw-lb-${i}`, await throughBalancer(`gw-lb-${i}`), [url]));
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
  const ours = <T extends { id: string }>(list: T[]): T[] => list.filter((i) => i.id.startsWith('gw-lb-'));
  await waitFor(async () => {
    const list = ours(await listInstances(a));
    return list.length === N && list.every((i) => i.status === 'Healthy');
  }, { timeoutMs: 20_000, what: 'A to list every gateway behind the balancer Healthy' });
  // Each gateway keeps one connection; the balancer spread them over both replicas.
  const sessions = await lb.sessions();
  assert.ok((sessions.get('a')?.current ?? 0) > 0 && (sessions.get('b')?.current ?? 0) > 0, `connections per replica: ${JSON.stringify([...sessions])}`);

  await b.kill();
  const killedAt = Date.now();
  // Longer than the lost threshold (3 s): every listing at A shows them all Healthy.
  while (Date.now() - killedAt < 5000) {
    const list = ours(await listInstances(a));
    assert.equal(list.length, N);
    assert.deepEqual(list.filter((i) => i.status !== 'Healthy').map((i) => `${i.id}: ${i.status}`), []);
    await new Promise((r) => setTimeout(r, 250));
  }
  running = false;
  await Promise.all(loops);
  // Read while every gateway still holds its connection: closing them first would race the count.
  const after = await lb.sessions();
  for (const g of gateways) g.close();
  assert.ok((after.get('a')?.current ?? 0) >= N - 1, `after B died, the connections are on A: ${JSON.stringify([...after])}`);
  // A beat every second; the reconnect through the balancer costs at most one failed attempt.
  assert.ok(Math.max(...gaps) < 2 * 1000 + 1000, `longest gap between accepted beats ${Math.max(...gaps)} ms`);
  assert.ok(gateways.every((g) => g.beats > 3));
});
