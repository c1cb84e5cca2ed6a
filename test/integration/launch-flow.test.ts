/**
 * The launch flow against a real dockerd, the stand-in image, a real etcd and the real control plane:
 * launch to registered (state checked), launching again adopts, a restarted core adopts, no secret
 * is found in plain text under GATEWAY_TRAY_HOME, and a launch after a stop starts the same container
 * again unless a new one would differ.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { launchGateway } from '../../src/core/gateway/launch.ts';
import { stopGateway } from '../../src/core/gateway/stop.ts';
import { readInstanceId } from '../../src/core/gateway/instance-lookup.ts';
import type { LaunchProgress } from '../../src/core/gateway/types.ts';
import { readAgentStatus } from '../../src/core/status/agent-status-source.ts';
import { TEST_LABEL } from '../helpers/docker.ts';
import { startLaunchWorld, type LaunchWorld } from './launch-setup.ts';

let w: LaunchWorld;

before(async () => {
  w = await startLaunchWorld('launch');
});
after(async () => {
  await w?.cleanup();
});

/** Profile "local"'s containers of this run only: other test runs on the same daemon may hold "local" containers of their own. */
async function ours() {
  return (await w.engine.findManaged({ profile: 'local' })).filter((c) => c.labels[TEST_LABEL] === w.run);
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

test('launch goes to registered, with the container laid out as PROTOCOL §4 says', async () => {
  const progress: LaunchProgress[] = [];
  const result = await launchGateway(w.ctx(), { onProgress: (p) => progress.push(p), registerTimeoutMs: 60_000 });
  assert.equal(result.adopted, false);
  assert.equal(result.instanceId, readInstanceId(w.home, 'local'));
  const stagesDone = progress.filter((p) => p.status === 'done').map((p) => p.stage);
  assert.deepEqual(stagesDone, ['preflight', 'resolve', 'certificate', 'module', 'files', 'image', 'container', 'register']);
  assert.equal(result.module, 'open-agent', "the local control plane's template names our hook");

  // Both sides agree.
  const instance = await w.h.client.instance(result.clusterId, result.instanceId);
  assert.equal(instance.id, result.instanceId);
  const agent = await readAgentStatus(w.engine, result.containerId);
  assert.equal(agent?.instance_id, result.instanceId);
  assert.ok(agent?.registered_at);

  // Container: labels, ports on loopback, TLS bundle owned by the gateway's user with the key at 0600.
  const info = await w.docker.getContainer(result.containerId).inspect();
  assert.equal(info.Config.Labels['io.gateway-tray.instance-id'], result.instanceId);
  assert.equal(info.Config.Labels[TEST_LABEL], w.run);
  assert.equal(info.Config.Labels['io.gateway-tray.module'], 'open-agent');
  const bindings = info.HostConfig.PortBindings as Record<string, Array<{ HostIp: string; HostPort: string }>>;
  assert.deepEqual(bindings['9080/tcp'], [{ HostIp: '127.0.0.1', HostPort: String(w.profile.ports.proxyHttp) }]);
  assert.deepEqual(bindings['9090/tcp'], [{ HostIp: '127.0.0.1', HostPort: String(w.profile.ports.control) }]);
  assert.ok(info.HostConfig.Binds?.some((b) => b.endsWith(':/cloud_lua_module:ro')));
  assert.ok(info.HostConfig.ExtraHosts?.includes('host.docker.internal:host-gateway'));
  const ls = await w.engine.exec(result.containerId, ['stat', '-c', '%a %u %n', '/cloud/tls', '/cloud/tls/tls.key', '/cloud/tls/tls.crt']);
  assert.match(ls.stdout, /^700 636 \/cloud\/tls$/m);
  assert.match(ls.stdout, /^600 636 \/cloud\/tls\/tls\.key$/m);
  assert.match(ls.stdout, /^644 636 \/cloud\/tls\/tls\.crt$/m);

  // The proxy answers on the profile's port.
  const res = await fetch(`http://127.0.0.1:${w.profile.ports.proxyHttp}/nothing-here`, { signal: AbortSignal.timeout(5000) });
  assert.equal(res.status, 404);

  // Host copy: key 0600 in a 0700 folder.
  const tlsDir = join(w.home, 'instances', 'local', result.instanceId, 'tls');
  assert.equal(statSync(tlsDir).mode & 0o777, 0o700);
  assert.equal(statSync(join(tlsDir, 'tls.key')).mode & 0o777, 0o600);
});

test('launching again adopts the running gateway and creates nothing', async () => {
  const before = await ours();
  const second = await launchGateway(w.ctx());
  assert.equal(second.adopted, true);
  assert.equal(second.module, 'open-agent', 'an adopted gateway reports the module of its label');
  const afterList = await ours();
  assert.deepEqual(afterList.map((c) => c.id).sort(), before.map((c) => c.id).sort());
  assert.equal(second.containerId, afterList[0]?.id);
});

test('a restarted core (fresh engine, store and client objects) adopts the running gateway', async () => {
  const { DockerEngine } = await import('../../src/core/engine/engine.ts');
  const { ProfileStore } = await import('../../src/core/credentials/profile-store.ts');
  const { CloudClient } = await import('../../src/core/cloud/client.ts');
  const engine = new DockerEngine(w.engine.endpoint, 'test');
  const profile = new ProfileStore({ home: w.home }).get('local');
  const client = new CloudClient({ baseUrl: w.h.cp.apiUrl, token: w.h.token });
  const adopted = await launchGateway({ profile, engine, client, home: w.home });
  assert.equal(adopted.adopted, true);
  assert.equal(adopted.instanceId, readInstanceId(w.home, 'local'));
});

test('no secret is found in plain text under GATEWAY_TRAY_HOME, except the key in its 0600 file', async () => {
  const token = w.h.token;
  for (const file of walk(w.home)) {
    const text = readFileSync(file, 'utf8');
    assert.ok(!text.includes(token), `${file} holds the admin token`);
    if (text.includes('PRIVATE KEY')) {
      assert.ok(file.endsWith('/tls/tls.key'), `${file} holds a private key`);
      assert.equal(statSync(file).mode & 0o777, 0o600);
    }
  }
});

test('a launch after a stop starts the same container again, and waits for this run to register', async () => {
  const first = await launchGateway(w.ctx());
  const stopped = await stopGateway(w.engine, { home: w.home, profile: 'local' });
  assert.equal(stopped.stopped.length, 1);
  const ended = await w.docker.getContainer(first.containerId).inspect();
  assert.equal(ended.State.ExitCode, 0, 'a stop is a clean exit');
  const said: string[] = [];
  const again = await launchGateway(w.ctx(), { onProgress: (p) => said.push(p.message) });
  assert.equal(again.adopted, false);
  assert.equal(again.containerId, first.containerId, 'started again, not made anew');
  assert.ok(said.some((m) => /^Started again .*with the same certificate/.test(m)), said.join('\n'));
  const run = await w.docker.getContainer(again.containerId).inspect();
  assert.ok(Date.parse(run.State.StartedAt) > Date.parse(ended.State.FinishedAt));
  // The status file of the run before is still in the container: the wait took this run's word only.
  const agent = await readAgentStatus(w.engine, again.containerId);
  assert.ok(agent?.registered_at && Date.parse(agent.registered_at) > Date.parse(ended.State.FinishedAt), JSON.stringify(agent));
  assert.ok(Date.parse(again.lastHeartbeatAt ?? '') > Date.parse(ended.State.FinishedAt), `the control plane's last heartbeat (${again.lastHeartbeatAt}) is of this run`);
  const res = await fetch(`http://127.0.0.1:${w.profile.ports.proxyHttp}/nothing-here`, { signal: AbortSignal.timeout(5000) });
  assert.equal(res.status, 404, 'and it serves');
});

test('asked to recreate, a launch after a stop makes a new container even when the stopped one is the same', async () => {
  const stoppedOne = await stopGateway(w.engine, { home: w.home, profile: 'local' });
  assert.equal(stoppedOne.stopped.length, 1);
  const before = await ours();
  const fresh = await launchGateway(w.ctx(), { recreate: true });
  assert.notEqual(fresh.containerId, before[0]!.id);
  const now = await ours();
  assert.deepEqual(now.map((c) => c.id), [fresh.containerId]);
});

test('a launch after a stop makes a new container when the new one would differ (here: a new certificate)', async () => {
  const before = await ours();
  assert.equal(before.length, 1);
  await stopGateway(w.engine, { home: w.home, profile: 'local' });
  const tls = join(w.home, 'instances', 'local', readInstanceId(w.home, 'local')!, 'tls');
  const old = readFileSync(join(tls, 'tls.crt'), 'utf8');
  rmSync(tls, { recursive: true });
  const renewed = await launchGateway(w.ctx());
  assert.notEqual(readFileSync(join(tls, 'tls.crt'), 'utf8'), old, 'a new certificate was minted');
  assert.notEqual(renewed.containerId, before[0]!.id, 'the stopped container holds the old one: a new container');
  const now = await ours();
  assert.deepEqual(now.map((c) => c.id), [renewed.containerId], 'the stopped one went');
  const inside = await w.engine.readFile(renewed.containerId, '/cloud/tls/tls.crt');
  assert.equal(inside.toString('utf8'), readFileSync(join(tls, 'tls.crt'), 'utf8'));
});

test('stop stops it', async () => {
  const stopped = await stopGateway(w.engine, { home: w.home, profile: 'local' }, { remove: true });
  assert.equal(stopped.stopped.length, 1);
  assert.equal(stopped.removed.length, 1);
});
