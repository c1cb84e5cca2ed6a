import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { DockerEngine } from '../../src/core/engine/engine.ts';
import type { ContainerInfo, EngineEvent } from '../../src/core/engine/types.ts';
import { STANDIN_IMAGE, TEST_LABEL, ensureStandinImage, freePort, removeContainersByLabel, testDocker, testRunId } from '../helpers/docker.ts';
import { waitFor } from '../helpers/wait-for.ts';

const run = testRunId('engine-containers');
const endpoint = { protocol: 'unix', url: 'unix:///var/run/docker.sock', socketPath: '/var/run/docker.sock' } as const;

before(async () => {
  await ensureStandinImage(await testDocker());
});
after(async () => {
  await removeContainersByLabel(await testDocker(), TEST_LABEL, run);
});

async function statusOf(port: number): Promise<unknown> {
  const res = await fetch(`http://127.0.0.1:${port}/status`, { signal: AbortSignal.timeout(2000) });
  return res.ok ? res.json() : undefined;
}

test('create, start, stop and remove, with the state checked after each and the gateway answering while running', async (t) => {
  const engine = new DockerEngine(endpoint, 'test');
  const [statusPort, proxyPort] = [await freePort(), await freePort()];
  const profile = `p-${run}`;
  const hostDir = mkdtempSync(join(tmpdir(), 'gt-engine-bind-'));
  t.after(() => rmSync(hostDir, { recursive: true, force: true }));
  chmodSync(hostDir, 0o755); // the container's uid 636 must be able to reach the file
  writeFileSync(join(hostDir, 'bound.txt'), 'from the host\n', { mode: 0o644 });
  const monitor = engine.createMonitor({ healthIntervalMs: 60_000 });
  const events: EngineEvent[] = [];
  monitor.on('event', (e) => events.push(e));
  monitor.start();
  t.after(() => monitor.dispose());
  await waitFor(() => monitor.state.status === 'ready', { what: 'the monitor to see the engine ready' });

  const created = await engine.createContainer({
    image: STANDIN_IMAGE,
    instanceId: `i-${run}`,
    profile,
    ports: [
      { containerPort: 7085, hostPort: statusPort, hostIp: '127.0.0.1' },
      { containerPort: 9080, hostPort: proxyPort, hostIp: '127.0.0.1' },
    ],
    env: { GATEWAY_TRAY_TEST: '1' },
    binds: [
      { hostPath: join(hostDir, 'bound.txt'), containerPath: '/opt/bound/ro.txt', readOnly: true },
      { hostPath: join(hostDir, 'bound.txt'), containerPath: '/opt/bound/rw.txt' },
    ],
    labels: { [TEST_LABEL]: run },
  });
  t.after(() => engine.removeContainer(created.id));
  assert.equal(created.status, 'created');
  assert.equal(created.running, false);
  assert.equal(created.instanceId, `i-${run}`);
  assert.equal(created.profile, profile);
  assert.deepEqual(
    created.ports.sort((a, b) => a.containerPort - b.containerPort),
    [
      { containerPort: 7085, protocol: 'tcp', hostPort: statusPort, hostIp: '127.0.0.1' },
      { containerPort: 9080, protocol: 'tcp', hostPort: proxyPort, hostIp: '127.0.0.1' },
    ],
  );
  const raw = await engine.docker.getContainer(created.id).inspect();
  assert.deepEqual(raw.HostConfig.ExtraHosts, ['host.docker.internal:host-gateway']);

  const started = await engine.startContainer(created.id);
  assert.equal(started.status, 'running');
  assert.deepEqual(await waitFor(() => statusOf(statusPort), { what: `GET /status on 127.0.0.1:${statusPort}`, timeoutMs: 20_000 }), { status: 'ok' });
  const env = await engine.exec(created.id, ['sh', '-c', 'echo "$GATEWAY_TRAY_TEST"; id -u; cat /opt/bound/ro.txt']);
  assert.equal(env.stdout, '1\n636\nfrom the host\n', env.stderr);
  const write = await engine.exec(created.id, ['sh', '-c', 'echo x >> /opt/bound/ro.txt'], { user: '0' });
  assert.notEqual(write.exitCode, 0, 'a read-only bind refuses writes, even from root');
  assert.match(write.stderr, /Read-only file system/);
  const rw = await engine.exec(created.id, ['sh', '-c', 'test -w /opt/bound/rw.txt && echo writable'], { user: '0' });
  assert.equal(rw.stdout, 'writable\n');
  const proxied = await waitFor(() => fetch(`http://127.0.0.1:${proxyPort}/`, { signal: AbortSignal.timeout(2000) }), { what: 'the proxy port' });
  assert.equal(proxied.status, 404, 'the stand-in answers 404 for an unknown route, as APISIX does');
  await proxied.body?.cancel();
  await waitFor(() => events.find((e) => e.type === 'container' && e.action === 'start' && e.containerId === created.id), {
    what: 'the start event of our container',
  });
  const startEvent = events.find((e) => e.type === 'container' && e.action === 'start' && e.containerId === created.id)!;
  assert.ok(startEvent.type === 'container' && startEvent.managed && startEvent.profile === profile);

  const stopped = await engine.stopContainer(created.id, { timeoutSeconds: 5 });
  assert.equal(stopped.status, 'exited');
  assert.equal(stopped.running, false);
  await assert.rejects(statusOf(statusPort), 'nothing answers once stopped');
  // Stopping again is not an error.
  assert.equal((await engine.stopContainer(created.id)).status, 'exited');

  await engine.removeContainer(created.id);
  await assert.rejects(engine.inspectContainer(created.id), { name: 'ContainerNotFoundError' });
  await engine.removeContainer(created.id); // already gone: fine
  assert.deepEqual(await engine.findManaged({ profile }), []);
});

test('a container made by an earlier engine instance is found again, so nothing is created twice', async (t) => {
  const profile = `adopt-${run}`;
  const instanceId = `i-adopt-${run}`;
  const first = new DockerEngine(endpoint);
  const made = await first.runContainer({ image: STANDIN_IMAGE, instanceId, profile, labels: { [TEST_LABEL]: run } });
  t.after(() => first.removeContainer(made.id));
  const other = await first.createContainer({ image: STANDIN_IMAGE, instanceId: `${instanceId}-other`, profile, labels: { [TEST_LABEL]: run } });
  t.after(() => first.removeContainer(other.id));

  // A new client, as after an app restart.
  const second = new DockerEngine(endpoint);
  assert.notEqual(second.docker, first.docker);
  const byInstance: ContainerInfo[] = await second.findManaged({ instanceId });
  assert.deepEqual(
    byInstance.map((c) => [c.id, c.instanceId, c.profile, c.status]),
    [[made.id, instanceId, profile, 'running']],
  );
  const byProfile = await second.findManaged({ profile });
  assert.deepEqual(byProfile.map((c) => c.id).sort(), [made.id, other.id].sort());
  assert.ok((await second.findManaged()).some((c) => c.id === made.id), 'no filter finds every managed container');
  assert.deepEqual(await second.findManaged({ profile: `${profile}-none` }), []);
});

test('two removals at once (the rollback and a stop, say): each returns only once Docker lists the container no more', async () => {
  const engine = new DockerEngine(endpoint);
  const profile = `twice-${run}`;
  // Several rounds: which of the two calls meets "removal already in progress" depends on timing.
  for (let round = 0; round < 3; round++) {
    const made = await engine.runContainer({ image: STANDIN_IMAGE, instanceId: `i-twice-${round}-${run}`, profile, labels: { [TEST_LABEL]: run } });
    const listed = async () => (await engine.findManaged({ profile })).map((c) => c.id);
    await Promise.all(
      [0, 1].map(async () => {
        await engine.removeContainer(made.id);
        assert.deepEqual(await listed(), [], `round ${round}: a removal returned while the container was still listed`);
      }),
    );
  }
});
