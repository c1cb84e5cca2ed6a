/**
 * Issue 10, fault test "etcd killed": against the real dockerd, the etcd the CLI starts for this home
 * (PATH's /usr/bin/etcd), the CLI's background control plane, the stand-in gateway and the real agent,
 * with `gateway-tray` itself as a child process.
 * - what the user sees: `status` names config-centre-down, offers Launch, and exits non-zero; `doctor`
 *   fails its config-centre check with the same fix;
 * - it recovers: the offered action (`launch`) starts etcd again, on the same data;
 * - nothing is lost: a route put before the kill is still served by the control plane, the gateway is
 *   the same container and turns Healthy again by itself.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudClient } from '../../src/core/cloud/client.ts';
import { ProfileStore } from '../../src/core/credentials/profile-store.ts';
import { DockerEngine } from '../../src/core/engine/engine.ts';
import { alive } from '../../src/core/gateway/background-process.ts';
import { readBackgroundRecord } from '../../src/core/gateway/background-record.ts';
import { rememberPorts } from '../../src/core/gateway/control-plane-ports.ts';
import { readEtcdRecord } from '../../src/core/gateway/etcd-record.ts';
import { readInstanceId } from '../../src/core/gateway/instance-lookup.ts';
import { locateLocalControlPlane } from '../../src/core/gateway/local-control-plane.ts';
import { STANDIN_IMAGE, TEST_DOCKER_SOCKET, ensureStandinImage, freePort, testDocker } from '../helpers/docker.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { freeProfilePorts } from './launch-setup.ts';
import { runCliProcess } from '../helpers/cli-process.ts';

let home: string;
let env: NodeJS.ProcessEnv;
const engine = new DockerEngine({ protocol: 'unix', url: `unix://${TEST_DOCKER_SOCKET}`, socketPath: TEST_DOCKER_SOCKET }, 'test');
const etcdPids: number[] = [];

const cli = (...args: string[]) => runCliProcess(env, ...args);

async function located() {
  const found = await locateLocalControlPlane(home);
  assert.ok('info' in found, 'a control plane answers');
  return { info: found.info, client: new CloudClient({ baseUrl: found.info.apiUrl, token: found.token }) };
}

function etcdPid(): number {
  const r = readEtcdRecord(home);
  assert.ok(r && 'pid' in r, `an etcd process recorded for this home (${JSON.stringify(r)})`);
  if (!etcdPids.includes(r.pid)) etcdPids.push(r.pid);
  return r.pid;
}

interface StatusJson {
  state: string;
  reasons: Array<{ reason?: string; code?: string; action?: string; message: string }>;
}

before(async () => {
  await ensureStandinImage(await testDocker());
  home = await mkdtemp(join(tmpdir(), 'gt-audit-etcd-killed-'));
  mkdirSync(join(home, 'control-plane'), { recursive: true, mode: 0o700 });
  rememberPorts(join(home, 'control-plane'), { apiPort: await freePort(), dpPort: await freePort() });
  new ProfileStore({ home }).update('local', { image: STANDIN_IMAGE, ports: await freeProfilePorts() });
  // The first test shows what `launch` does alone: the background control plane's own supervision is off.
  env = { ...process.env, GATEWAY_TRAY_HOME: home, DOCKER_HOST: `unix://${TEST_DOCKER_SOCKET}`, PATH: `/usr/bin:/bin:${process.env.PATH ?? ''}`, GATEWAY_TRAY_SUPERVISE_EVERY_MS: '0',
    // Its own etcd port: with 2379, another file's home etcd could take the port while this one lies dead.
    GATEWAY_TRAY_ETCD_PORT: String(await freePort()) };
});

after(async () => {
  await cli('control-plane', 'stop');
  for (const pid of etcdPids) if (alive(pid)) process.kill(pid, 'SIGKILL');
  const id = readInstanceId(home, 'local');
  if (id) for (const c of await engine.findManaged({ profile: 'local', instanceId: id }).catch(() => [])) await (await testDocker()).getContainer(c.id).remove({ force: true }).catch(() => undefined);
  await rm(home, { recursive: true, force: true });
});

test('etcd killed: status and doctor say config-centre-down with Launch; launch restarts etcd on the same data; the route and the container stay; Healthy again', { timeout: 240_000 }, async (t) => {
  const first = await cli('launch');
  assert.equal(first.code, 0, first.stderr);
  const instanceId = readInstanceId(home, 'local');
  assert.ok(instanceId);
  const [container] = await engine.findManaged({ profile: 'local', instanceId });
  assert.ok(container);
  const { info, client } = await located();
  await client.putRoute(info.clusterId, 'audit-kept', { uri: '/audit-kept', upstream: { type: 'roundrobin', nodes: { '127.0.0.1:1': 1 } } });
  await waitFor(async () => ((await cli('status', '--json')).code === 0 ? true : undefined), { timeoutMs: 45_000, intervalMs: 1000, what: 'Healthy before the kill' });

  const killed = etcdPid();
  process.kill(killed, 'SIGKILL');
  await waitFor(() => !alive(killed), { timeoutMs: 10_000, what: 'etcd gone' });

  // The agent reports its config channel down with its next heartbeat (10 s interval).
  const seen = await waitFor(async () => {
    const r = await cli('status', '--json');
    const s = JSON.parse(r.stdout) as StatusJson;
    return s.reasons.some((x) => x.reason === 'config-centre-down') ? { ...r, s } : undefined;
  }, { timeoutMs: 60_000, intervalMs: 1000, what: 'status to name config-centre-down' });
  t.diagnostic(`status while etcd is dead: ${seen.s.state}: ${seen.s.reasons.map((r) => r.message).join(' | ')}`);
  assert.notEqual(seen.code, 0, 'status exits non-zero outside Healthy');
  const cc = seen.s.reasons.find((x) => x.reason === 'config-centre-down')!;
  assert.equal(cc.action, 'launch', 'the state offers the action that fixes it');

  const doctor = await cli('doctor', '--json');
  const check = (JSON.parse(doctor.stdout) as { checks: Array<{ id: string; status: string; detail: string; fix?: string }> }).checks.find((c) => c.id === 'config-centre');
  assert.equal(check?.status, 'fail', `doctor sees the dead etcd: ${doctor.stdout}`);
  assert.match(check?.detail ?? '', /config-centre-down/);
  assert.match(check?.fix ?? '', /gateway-tray launch/);

  const fixed = await cli('launch');
  t.diagnostic(`launch with etcd dead says:\n${fixed.stdout}${fixed.stderr}`);
  assert.equal(fixed.code, 0, fixed.stderr);
  assert.match(fixed.stderr, /The control plane's etcd \(https:\/\/127\.0\.0\.1:\d+\) had stopped; started it again on the same data \(pid \d+\)/, 'and says so');
  const restarted = etcdPid();
  assert.notEqual(restarted, killed, 'a new etcd process');
  assert.ok(alive(restarted));

  const now = await located();
  const kept = await waitFor(async () => now.client.route(now.info.clusterId, 'audit-kept').catch(() => undefined), { timeoutMs: 20_000, what: 'the route read back through the restarted etcd' });
  assert.equal(kept.uri, '/audit-kept', 'the route put before the kill is still there');
  const back = await waitFor(async () => {
    const r = await cli('status', '--json');
    return r.code === 0 ? (JSON.parse(r.stdout) as StatusJson) : undefined;
  }, { timeoutMs: 60_000, intervalMs: 1000, what: 'Healthy again after etcd came back' });
  assert.equal(back.state, 'healthy');
  assert.deepEqual((await engine.findManaged({ profile: 'local', instanceId })).map((c) => c.id), [container.id], 'the same container');
});

test('etcd killed: the background control plane notices and starts it again by itself, before anyone acts; control-plane stop stops the new one', { timeout: 180_000 }, async () => {
  // A control plane started with supervision on, at a short pace so the test need not wait 20 s.
  assert.equal((await cli('control-plane', 'stop')).code, 0);
  env = { ...env, GATEWAY_TRAY_SUPERVISE_EVERY_MS: '2000' };
  const launched = await cli('launch');
  assert.equal(launched.code, 0, launched.stderr);
  const instanceId = readInstanceId(home, 'local');
  assert.ok(instanceId);
  const [container] = await engine.findManaged({ profile: 'local', instanceId });
  assert.ok(container);

  const killed = etcdPid();
  process.kill(killed, 'SIGKILL');
  await waitFor(() => !alive(killed), { timeoutMs: 10_000, what: 'etcd gone' });
  const back = await waitFor(() => {
    const r = readEtcdRecord(home);
    return r && 'pid' in r && r.pid !== killed && alive(r.pid) ? r.pid : undefined;
  }, { timeoutMs: 30_000, intervalMs: 500, what: 'etcd started again with no user action' });
  etcdPids.push(back);
  // etcd.json is written as the new etcd starts, background.json just after it.
  await waitFor(() => readBackgroundRecord(home)?.etcd?.pid === back, { timeoutMs: 10_000, intervalMs: 100, what: 'background.json to name the etcd that runs now' });
  const healthy = await waitFor(async () => {
    const r = await cli('status', '--json');
    return r.code === 0 ? (JSON.parse(r.stdout) as StatusJson) : undefined;
  }, { timeoutMs: 60_000, intervalMs: 1000, what: 'Healthy again with nobody acting' });
  assert.equal(healthy.state, 'healthy');
  assert.deepEqual((await engine.findManaged({ profile: 'local', instanceId })).map((c) => c.id), [container.id], 'the same container');

  const stopped = await cli('control-plane', 'stop');
  assert.equal(stopped.code, 0, stopped.stderr);
  assert.match(stopped.stdout, new RegExp(`Stopped the etcd it started \\(pid ${back}`));
  await waitFor(() => !alive(back), { timeoutMs: 15_000, what: 'the restarted etcd stopped with the control plane' });
});
