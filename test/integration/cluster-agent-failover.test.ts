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
import { bridgeGatewayAddress, createTestNetwork, startStandinGateway, type StandinGateway } from '../helpers/standin-gateway.ts';
import { waitFor } from '../helpers/wait-for.ts';

const run = testRunId('cluster-failover');
let docker: Docker;
let etcd: RunningEtcdCluster;
let home: string;
let a: Replica;
let b: Replica;
let network: { name: string; remove(): Promise<void> } | undefined;
let gw: StandinGateway | undefined;

before(async () => {
  docker = await testDocker();
  await ensureStandinImage(docker);
  const bridge = await bridgeGatewayAddress(docker);
  etcd = await startEtcdCluster(3);
  home = await mkdtemp(join(tmpdir(), 'gt-cluster-agent-'));
  const ports = [await freePort(), await freePort()];
  // Gateways in containers dial host.docker.internal; the replicas listen on loopback and the bridge.
  const advertise = ports.map((p) => `host.docker.internal:${p}`);
  const operatorKey = randomBytes(24).toString('base64');
  const spec = (name: string, port: number) => ({ name, dataDir: join(home, name), dpPort: port, etcdUrls: etcd.urls, advertise, operatorKey, extraArgs: ['--dp-listen', `${bridge}:${port}`] });
  [a, b] = await Promise.all([startReplica(spec('a', ports[0] as number)), startReplica(spec('b', ports[1] as number))]);
  network = await createTestNetwork(docker, run);
});

after(async () => {
  await gw?.remove();
  await removeContainersByLabel(docker, TEST_LABEL, run).catch(() => undefined);
  await network?.remove();
  await Promise.all([a?.stop(), b?.stop()]);
  await etcd?.stop();
  if (home) await rm(home, { recursive: true, force: true });
});

test('the agent in a stand-in gateway fails over to the next replica when its replica dies, with its config watch, and stays Healthy', { timeout: 120_000 }, async () => {
  gw = await startStandinGateway(docker, {
    client: new CloudClient({ baseUrl: a.apiUrl, token: a.token }),
    clusterId: a.clusterId,
    instanceId: randomUUID(),
    runLabel: run,
    network: network?.name,
  });
  const id = gw.instanceId;
  const first = await waitFor(async () => (await listInstances(b)).find((i) => i.id === id && i.status === 'Healthy'), { timeoutMs: 45_000, what: 'the gateway, beating to A, to be listed Healthy by B' });
  await a.kill();
  const killedAt = Date.now();
  // The next beat (10 s interval) fails at A and goes on to B in the same attempt. The config watch
  // moves too: the stand-in's etcd client, like lua-resty-etcd under APISIX, skips a host that failed and
  // takes the next. So B lists the gateway Healthy throughout, also once A's watch key has expired (its
  // lease is 10 s): "Only Heartbeats" then would mean the watch stayed on the dead replica.
  const seen: string[] = [];
  const moved = await waitFor(async () => {
    const i = (await listInstances(b)).find((x) => x.id === id);
    if (i?.status !== 'Healthy') seen.push(`${new Date().toISOString()}: ${i?.status}`);
    return i && Date.parse(i.last_seen_time) > killedAt && Date.now() - killedAt > 14_000 ? i : undefined;
  }, { timeoutMs: 30_000, intervalMs: 500, what: 'B to take a heartbeat from the gateway after A died, past A\'s watch lease' });
  assert.deepEqual(seen, [], 'B listed the gateway Healthy all along after A died (its watch moved to B as well)');
  assert.equal(moved.register_time, first.register_time, 'still one instance, one registration');
  assert.ok(Date.parse(moved.last_seen_time) - Date.parse(first.last_seen_time) <= 2 * 10_000 + 2_000, 'no heartbeat lost beyond one interval');
  const status = await gw.readStatus();
  assert.equal(status.consecutive_failures, 0, `the agent's status file: ${JSON.stringify(status)}`);
});
