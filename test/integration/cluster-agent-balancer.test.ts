import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { CloudClient } from '../../src/core/cloud/client.ts';
import { listInstances, startReplica, type Replica } from '../helpers/cluster-replica.ts';
import { ensureStandinImage, removeContainersByLabel, TEST_LABEL, testDocker, testRunId } from '../helpers/docker.ts';
import { freePort } from '../helpers/etcd.ts';
import { startEtcdCluster, type RunningEtcdCluster } from '../helpers/etcd-cluster.ts';
import { startBalancer, type RunningBalancer } from '../helpers/haproxy.ts';
import { bridgeGatewayAddress, createTestNetwork, startStandinGateway, type StandinGateway } from '../helpers/standin-gateway.ts';
import { waitFor } from '../helpers/wait-for.ts';

const run = testRunId('cluster-agent-lb');
let docker: Docker;
let etcd: RunningEtcdCluster;
let home: string;
let replicas: Record<'a' | 'b', Replica>;
let lb: RunningBalancer;
let network: { name: string; remove(): Promise<void> } | undefined;
let gw: StandinGateway | undefined;

before(async () => {
  docker = await testDocker();
  await ensureStandinImage(docker);
  const bridge = await bridgeGatewayAddress(docker);
  etcd = await startEtcdCluster(3);
  home = await mkdtemp(join(tmpdir(), 'gt-cluster-agent-lb-'));
  const [pa, pb, plb] = [await freePort(), await freePort(), await freePort()];
  // The gateway knows only the balancer (on loopback and the bridge); the replicas listen on loopback only.
  // The default Lost threshold (30 s): the agent beats every 10 s.
  const advertise = [`host.docker.internal:${plb}`];
  const operatorKey = randomBytes(24).toString('base64');
  const spec = (name: string, port: number) => ({ name, dataDir: join(home, name), dpPort: port, etcdUrls: etcd.urls, advertise, operatorKey });
  const [a, b] = await Promise.all([startReplica(spec('a', pa)), startReplica(spec('b', pb))]);
  replicas = { a, b };
  lb = await startBalancer(home, plb, [{ name: 'a', port: pa }, { name: 'b', port: pb }], [bridge]);
  network = await createTestNetwork(docker, run);
});

after(async () => {
  await gw?.remove();
  await removeContainersByLabel(docker, TEST_LABEL, run).catch(() => undefined);
  await network?.remove();
  await lb?.stop();
  if (replicas) await Promise.all([replicas.a.stop(), replicas.b.stop()]);
  await etcd?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

test('the agent in a stand-in gateway behind haproxy: the replica it beats to dies, it goes on through the balancer, never Lost', { timeout: 120_000 }, async () => {
  const { a } = replicas;
  gw = await startStandinGateway(docker, {
    client: new CloudClient({ baseUrl: a.apiUrl, token: a.token }),
    clusterId: a.clusterId,
    instanceId: randomUUID(),
    runLabel: run,
    network: network?.name,
  });
  const id = gw.instanceId;
  const healthyAt = async (r: Replica) => (await listInstances(r)).find((i) => i.id === id && i.status === 'Healthy');
  await waitFor(async () => (await healthyAt(replicas.a)) && healthyAt(replicas.b), { timeoutMs: 45_000, what: 'the gateway, beating through haproxy, to be listed Healthy by both replicas' });
  // Kill the replica the balancer sent the gateway's connection to (A when it holds connections on both).
  const sessions = await lb.sessions();
  const victim = (sessions.get('a')?.current ?? 0) > 0 ? 'a' : 'b';
  const survivor = replicas[victim === 'a' ? 'b' : 'a'];
  assert.ok((sessions.get(victim)?.current ?? 0) > 0, `the gateway holds a connection through the balancer: ${JSON.stringify([...sessions])}`);
  const first = (await healthyAt(survivor))!;
  await replicas[victim].kill();
  const killedAt = Date.now();
  const notHealthy: string[] = [];
  const moved = await waitFor(async () => {
    const i = (await listInstances(survivor)).find((x) => x.id === id);
    if (i?.status !== 'Healthy') notHealthy.push(`${new Date().toISOString()}: ${i?.status}`);
    return i && Date.parse(i.last_seen_time) > killedAt ? i : undefined;
  }, { timeoutMs: 25_000, intervalMs: 500, what: 'the surviving replica to take a heartbeat through the balancer' });
  assert.equal(moved.register_time, first.register_time, 'still one instance, one registration');
  assert.ok(Date.parse(moved.last_seen_time) - Date.parse(first.last_seen_time) <= 2 * 10_000 + 2_000, 'no heartbeat lost beyond one interval');
  assert.deepEqual(notHealthy, [], 'every listing at the survivor since the kill said Healthy');
  const status = await gw.readStatus();
  assert.equal(status.consecutive_failures, 0, `the agent's status file: ${JSON.stringify(status)}`);
});
