import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { startControlPlane } from '../../src/control-plane/index.ts';
import type { EtcdTls } from '../../src/control-plane/etcd/transport.ts';
import { CloudClient } from '../../src/core/cloud/client.ts';
import { DockerEngine } from '../../src/core/engine/engine.ts';
import { LABEL_COMPONENT, LABEL_MANAGED } from '../../src/core/engine/labels.ts';
import { GatewayError } from '../../src/core/gateway/errors.ts';
import { caFingerprint, ensureEtcdContainer, ETCD_COMPONENT, LABEL_ETCD_CA, LABEL_ETCD_VOLUME } from '../../src/core/gateway/etcd-container.ts';
import { etcdHealthy, ensureLocalEtcd, findEtcdBinary } from '../../src/core/gateway/etcd-process.ts';
import { readEtcdRecord, writeEtcdRecord } from '../../src/core/gateway/etcd-record.ts';
import { EtcdClient } from '../../src/control-plane/etcd/client.ts';
import { freePort } from '../helpers/etcd.ts';
import { alive } from '../../src/core/gateway/background-process.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { ensureStandinImage, STANDIN_IMAGE, TEST_DOCKER_SOCKET, testDocker, testRunId } from '../helpers/docker.ts';

// The stand-in fixture image carries Debian's etcd-server; it runs as uid 636, which owns
// /usr/local/apisix/logs, so a fresh volume mounted there is writable by etcd.
const DATA_PATH = '/usr/local/apisix/logs';

let docker: Docker;
let engine: DockerEngine;
let home: string;
let cpData: string;
let noEtcdPath: string;
const volumes: string[] = [];

before(async () => {
  docker = await testDocker();
  await ensureStandinImage(docker);
  engine = new DockerEngine({ protocol: 'unix', url: `unix://${TEST_DOCKER_SOCKET}`, socketPath: TEST_DOCKER_SOCKET }, 'test');
  home = await mkdtemp(join(tmpdir(), 'gt-etcdc-home-'));
  cpData = await mkdtemp(join(tmpdir(), 'gt-etcdc-cp-'));
  // PATH without etcd: an empty folder, so the binary path is out and the container path is taken.
  noEtcdPath = await mkdtemp(join(tmpdir(), 'gt-etcdc-path-'));
});

after(async () => {
  for (const volume of volumes) {
    const list = await docker.listContainers({ all: true, filters: { label: [`${LABEL_ETCD_VOLUME}=${volume}`] } });
    for (const c of list) await docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined);
    await docker.getVolume(volume).remove().catch(() => undefined);
  }
  for (const dir of [home, cpData, noEtcdPath]) if (dir) await rm(dir, { recursive: true, force: true });
});

function newVolume(prefix: string): string {
  const v = `gt-test-${testRunId(prefix)}`;
  volumes.push(v);
  return v;
}

async function withControlPlane<T>(etcd: { url: string; tls: EtcdTls }, fn: (client: CloudClient, clusterId: string) => Promise<T>): Promise<T> {
  const cp = await startControlPlane({ dataDir: cpData, etcdUrl: etcd.url, etcdTls: etcd.tls, apiListen: { host: '127.0.0.1', port: 0 }, dpListen: [{ host: '127.0.0.1', port: 0 }] });
  try {
    const token = (await readFile(cp.tokenFile, 'utf8')).trim();
    return await fn(new CloudClient({ baseUrl: cp.apiUrl, token }), cp.clusterId);
  } finally {
    await cp.stop();
  }
}

test('without an etcd binary, etcd runs as a container: started, adopted, restarted, and its data kept', { timeout: 240_000 }, async () => {
  const env = { PATH: noEtcdPath };
  assert.equal(findEtcdBinary(env), undefined);
  const volume = newVolume('etcd');
  const opts = { engine, etcdImage: STANDIN_IMAGE, volume, dataPath: DATA_PATH, timeoutMs: 60_000 };

  const first = await ensureLocalEtcd(home, env, opts);
  assert.equal(first.started, true);
  assert.ok(first.container, 'a container, not a process');
  assert.equal(first.pid, undefined);
  assert.match(first.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  assert.ok(await etcdHealthy(first.url, 3000, first.tls));
  assert.equal(await etcdHealthy(first.url, 3000), false, 'no client certificate, no answer');
  assert.equal(await etcdHealthy(first.url.replace('https:', 'http:'), 3000), false, 'and no plain HTTP');
  assert.deepEqual(readEtcdRecord(home), { url: first.url, container: first.container });

  const raw = await docker.getContainer(first.container).inspect();
  assert.equal(raw.Config.Labels[LABEL_COMPONENT], ETCD_COMPONENT);
  assert.equal(raw.Config.Labels[LABEL_MANAGED], undefined, 'etcd is never taken for a gateway');
  const imageUser = (await docker.getImage(STANDIN_IMAGE).inspect()).Config.User;
  assert.equal(raw.Config.User, imageUser, 'it runs as the image user, not root');
  assert.equal((await engine.exec(first.container, ['id', '-u'])).stdout.trim(), '636');
  // etcd's key reached its user through the archive API, at 0600, in a 0700 folder.
  assert.equal((await engine.exec(first.container, ['stat', '-c', '%a %u', '/etc/gateway-tray-etcd/etcd.key', '/etc/gateway-tray-etcd'])).stdout.trim(), '600 636\n700 636');
  assert.equal(raw.Config.Labels[LABEL_ETCD_CA], caFingerprint(first.tls.ca));
  assert.deepEqual(raw.HostConfig.PortBindings?.['2379/tcp']?.map((b: { HostIp: string }) => b.HostIp), ['127.0.0.1']);
  assert.ok(raw.Mounts.some((m) => m.Type === 'volume' && m.Name === volume && m.Destination === DATA_PATH));
  assert.ok(!(await engine.findManaged()).some((c) => c.id === first.container), 'findManaged does not list etcd');

  await withControlPlane(first, async (client, clusterId) => {
    await client.putRoute(clusterId, 'kept', { uri: '/kept', upstream: { nodes: { '127.0.0.1:1980': 1 } } });
    assert.equal((await client.route(clusterId, 'kept')).uri, '/kept');
  });

  // Adopted: the recorded one is reused, and asking the container layer directly finds the same one.
  const again = await ensureLocalEtcd(home, env, opts);
  assert.deepEqual({ url: again.url, container: again.container, started: again.started }, { url: first.url, container: first.container, started: false });
  const withBinary = await ensureLocalEtcd(home, { PATH: '/usr/bin:/bin' }, opts);
  assert.equal(withBinary.container, first.container, 'a healthy recorded container comes before the PATH binary');
  const adopted = await ensureEtcdContainer(engine, { home, image: STANDIN_IMAGE, volume, dataPath: DATA_PATH });
  assert.equal(adopted.how, 'adopted');
  assert.equal(adopted.container, first.container);
  assert.equal((await engine.findComponent(ETCD_COMPONENT, { [LABEL_ETCD_VOLUME]: volume })).length, 1, 'no second container');

  // Stopped: started again, the same container, and the route is still there.
  await engine.stopContainer(first.container, { timeoutSeconds: 5 });
  assert.equal(await etcdHealthy(first.url, 1500, first.tls), false);
  const restarted = await ensureLocalEtcd(home, env, opts);
  assert.equal(restarted.container, first.container);
  assert.equal(restarted.started, true);
  await withControlPlane(restarted, async (client, clusterId) => {
    assert.equal((await client.route(clusterId, 'kept')).uri, '/kept');
  });

  // Removed: a new container on the same volume still has the data.
  await engine.removeContainer(first.container);
  const recreated = await ensureLocalEtcd(home, env, opts);
  assert.notEqual(recreated.container, first.container);
  await withControlPlane(recreated, async (client, clusterId) => {
    assert.equal((await client.route(clusterId, 'kept')).uri, '/kept');
  });
});

test('with an etcd binary on PATH, the binary is used as before, even with an engine at hand', { timeout: 120_000 }, async () => {
  const binHome = await mkdtemp(join(tmpdir(), 'gt-etcdc-bin-'));
  let pid: number | undefined;
  try {
    const etcd = await ensureLocalEtcd(binHome, { PATH: '/usr/bin:/bin' }, { engine, etcdImage: STANDIN_IMAGE, volume: newVolume('etcd-bin') });
    pid = etcd.pid;
    assert.ok(pid, 'a process');
    assert.equal(etcd.container, undefined);
    assert.deepEqual(readEtcdRecord(binHome), { url: etcd.url, pid });
    assert.equal((await engine.findComponent(ETCD_COMPONENT, { [LABEL_ETCD_VOLUME]: volumes.at(-1)! })).length, 0, 'no container was made');
  } finally {
    if (pid) {
      const stopped = pid;
      process.kill(stopped, 'SIGTERM');
      await waitFor(() => !alive(stopped), { what: `etcd (pid ${stopped}) to exit`, timeoutMs: 20_000 });
    }
    await rm(binHome, { recursive: true, force: true });
  }
});

test('an etcd container that cannot start fails with an actionable error and its log tail', { timeout: 120_000 }, async () => {
  const failHome = await mkdtemp(join(tmpdir(), 'gt-etcdc-fail-'));
  try {
    const volume = newVolume('etcd-fail');
    // A folder the image does not have: Docker creates it owned by root, so uid 636 cannot write there.
    await assert.rejects(
      ensureEtcdContainer(engine, { home: failHome, image: STANDIN_IMAGE, volume, dataPath: '/var/lib/etcd-root-owned', timeoutMs: 30_000 }),
      (e: unknown) =>
        e instanceof GatewayError &&
        /did not become healthy: it exited/.test(e.message) &&
        /docker rm -f/.test(e.message) &&
        /permission denied/i.test(e.message),
    );
    assert.equal(readEtcdRecord(failHome), undefined, 'nothing is recorded for an etcd that never answered');
  } finally {
    await rm(failHome, { recursive: true, force: true });
  }
});

test('an etcd container from before TLS (plain HTTP, no CA label) is replaced on the same volume, its data kept', { timeout: 180_000 }, async () => {
  const oldHome = await mkdtemp(join(tmpdir(), 'gt-etcdc-old-'));
  const env = { PATH: noEtcdPath };
  const volume = newVolume('etcd-old');
  try {
    const hostPort = await freePort();
    const peer = 'http://127.0.0.1:2380';
    const plain = await engine.createComponentContainer({
      image: STANDIN_IMAGE,
      component: ETCD_COMPONENT,
      name: volume,
      entrypoint: ['etcd'],
      cmd: ['--name', 'gateway-tray', '--data-dir', `${DATA_PATH}/data`, '--listen-client-urls', 'http://0.0.0.0:2379', '--advertise-client-urls', `http://127.0.0.1:${hostPort}`,
        '--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer, '--initial-cluster', `gateway-tray=${peer}`, '--log-level', 'warn', '--logger', 'zap'],
      volumes: [{ name: volume, containerPath: DATA_PATH }],
      ports: [{ containerPort: 2379, hostPort, hostIp: '127.0.0.1' }],
      labels: { [LABEL_ETCD_VOLUME]: volume },
    });
    await engine.startContainer(plain.id);
    const plainUrl = `http://127.0.0.1:${hostPort}`;
    await waitFor(() => etcdHealthy(plainUrl), { what: 'the plain etcd container', timeoutMs: 60_000 });
    await new EtcdClient(plainUrl).put('/apisix/routes/old', '{"id":"old"}');
    writeEtcdRecord(oldHome, { url: plainUrl, container: plain.id });

    const lines: string[] = [];
    const next = await ensureLocalEtcd(oldHome, env, { engine, etcdImage: STANDIN_IMAGE, volume, dataPath: DATA_PATH, timeoutMs: 60_000, log: (l) => lines.push(l) });
    assert.notEqual(next.container, plain.id);
    assert.match(next.url, /^https:/);
    assert.match(lines.join('\n'), /Removing the app's earlier etcd container .* client-certificate TLS replaces it on the same volume/);
    assert.equal(await engine.inspectContainer(plain.id).then(() => 'still there', () => 'gone'), 'gone');
    assert.equal(await etcdHealthy(plainUrl, 2000), false, 'nothing answers plain HTTP any more');
    assert.equal((await new EtcdClient(next.url, { tls: next.tls }).get('/apisix/routes/old'))?.value, '{"id":"old"}');
  } finally {
    await rm(oldHome, { recursive: true, force: true });
  }
});
