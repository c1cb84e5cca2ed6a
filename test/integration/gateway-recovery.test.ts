/**
 * Recovery from every state, against a real dockerd, the stand-in image, a real etcd and the real
 * control plane in-process, sharing one world (the tests run in order and each leaves the gateway
 * registered for the next):
 * - the gateway container gets the restart policy unless-stopped;
 * - after `docker kill` (Error 137) the status offers Launch, and Launch recreates the container;
 * - Stop takes an Error to Stopped, and keeps the crashed container's log;
 * - the control plane back on another data-plane port: Launch does not adopt the stale gateway, it
 *   re-renders config.yaml and recreates the container, saying so; Restart does the same;
 * - a restart is reported registered by the new run, never by the status file of the run before;
 * - doctor checks the gateway's heartbeat and the config centre (etcd hung: config-centre-down);
 * - a gateway whose profile is gone is listed (this home's only) with Adopt and Remove, and both work;
 * - a refused token, a dead control plane and a missing token each read as themselves.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { adoptOrphan, findOrphanGateways, removeOrphan } from '../../src/core/app/orphan-gateways.ts';
import { configCentreCheck } from '../../src/core/doctor/config-centre-check.ts';
import { gatewayCheck } from '../../src/core/doctor/gateway-check.ts';
import { launchGateway } from '../../src/core/gateway/launch.ts';
import { restartFresh } from '../../src/core/gateway/fresh-restart.ts';
import { instancePaths } from '../../src/core/gateway/paths.ts';
import { restartContainer } from '../../src/core/gateway/restart.ts';
import { stopGateway } from '../../src/core/gateway/stop.ts';
import { waitUntilRegistered } from '../../src/core/gateway/wait-registered.ts';
import type { GatewayStatus } from '../../src/core/status/gateway-status.ts';
import { StatusWatcher } from '../../src/core/status/status-watcher.ts';
import { problemOfSession } from '../../src/core/status/session-problem.ts';
import type { ControlPlaneProblem } from '../../src/core/status/status-inputs.ts';
import { CloudClient } from '../../src/core/cloud/client.ts';
import { offeredActions } from '../../renderer/src/view/state-actions.ts';
import { STANDIN_IMAGE, freePort } from '../helpers/docker.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { freeProfilePorts, startLaunchWorld, type LaunchWorld } from './launch-setup.ts';

let w: LaunchWorld;

before(async () => {
  w = await startLaunchWorld('recovery');
});
after(async () => {
  await w?.cleanup();
});

/** One status snapshot, as `gateway-tray status` makes it. */
async function statusNow(): Promise<GatewayStatus> {
  const watcher = new StatusWatcher({ engine: w.engine, home: w.home, profile: 'local', client: w.h.client });
  try {
    const s = await watcher.settled();
    assert.ok(s, 'a status');
    return s;
  } finally {
    watcher.dispose();
  }
}

/** The control plane comes back on a new data-plane port, as after an app restart whose old port was taken. */
async function moveDataPlanePort(): Promise<number> {
  const port = await freePort();
  await w.restartControlPlane({ dpListen: [{ host: '127.0.0.1', port }, { host: w.bridge, port }] });
  return port;
}

let instanceId = '';
/** This world's containers only: other tests on the same daemon use profile "local" too. */
const ours = () => w.engine.findManaged({ profile: 'local', instanceId });

const configFile = () => instancePaths(w.home, 'local', 'default').configFile;

test('launch: a registered gateway whose container restarts with Docker (unless-stopped)', async () => {
  const r = await launchGateway(w.ctx());
  instanceId = r.instanceId;
  assert.equal(r.adopted, false);
  const inspected = await w.docker.getContainer(r.containerId).inspect();
  assert.equal(inspected.HostConfig.RestartPolicy?.Name, 'unless-stopped', 'back after a Docker restart; a stop by the app stays stopped');
  assert.equal((await statusNow()).state, 'healthy');
});

test('docker kill: Error 137 offers Launch (not Restart as if it ran), and Launch recreates the container', async () => {
  const before = (await ours())[0]!;
  await w.docker.getContainer(before.id).kill();
  const s = await waitFor(async () => {
    const now = await statusNow();
    return now.state === 'error' ? now : undefined;
  }, { timeoutMs: 15_000, what: 'Error after docker kill' });
  assert.equal(s.containerState, 'exited');
  assert.match(s.reasons[0]!.message, /exited with code 137 \(killed\); launch it again/);
  assert.equal(s.reasons[0]!.action, 'launch');
  assert.equal(s.reasons[0]!.reason, 'gateway-exited');
  assert.deepEqual(offeredActions(s).slice(0, 1), ['launch'], 'the UI offers Launch first');
  assert.ok(!offeredActions(s).includes('restart'), 'an exited container is not counted as running');

  const r = await launchGateway(w.ctx());
  assert.equal(r.adopted, false);
  assert.notEqual(r.containerId, before.id, 'a new container');
  assert.equal((await ours()).length, 1, 'the killed one is gone');
  assert.equal((await statusNow()).state, 'healthy', 'and it heartbeats');
});

test('Stop takes an Error to Stopped and keeps the crashed container\'s log', async () => {
  const c = (await ours())[0]!;
  await w.docker.getContainer(c.id).kill();
  await waitFor(async () => ((await statusNow()).state === 'error' ? true : undefined), { timeoutMs: 15_000, what: 'Error after docker kill' });
  const stopped = await stopGateway(w.engine, { home: w.home, profile: 'local' });
  assert.deepEqual(stopped.removed, [c.name]);
  assert.equal(stopped.keptLogs.length, 1);
  assert.ok(existsSync(stopped.keptLogs[0]!));
  assert.match(readFileSync(stopped.keptLogs[0]!, 'utf8'), /exited with code 137/);
  const s = await statusNow();
  assert.equal(s.state, 'stopped');
  assert.deepEqual(offeredActions(s), ['launch']);
  assert.equal((await launchGateway(w.ctx())).adopted, false, 'and Launch brings it back');
});

test('the control plane on another data-plane port: Launch re-renders and recreates instead of adopting, and says so', async () => {
  const old = (await ours())[0]!;
  const port = await moveDataPlanePort();
  const said: string[] = [];
  const r = await launchGateway(w.ctx(), { onProgress: (p) => said.push(p.message) });
  assert.equal(r.adopted, false, 'a gateway whose config names a dead address is never adopted');
  assert.notEqual(r.containerId, old.id);
  assert.ok(r.notices?.some((n) => /re-rendering config\.yaml and recreating the container/.test(n)), JSON.stringify(r.notices));
  assert.ok(said.some((m) => /now listens at https:\/\/host\.docker\.internal:\d+/.test(m)), 'the progress says so too');
  assert.match(readFileSync(configFile(), 'utf8'), new RegExp(`:${port}\\b`), 'config.yaml names the live port');
  assert.ok(r.registeredAt);
  assert.equal((await statusNow()).state, 'healthy');
  const again = await launchGateway(w.ctx());
  assert.equal(again.adopted, true, 'once fresh, the next launch adopts it');
});

test('Restart with a stale config recreates the container from the live control plane, and says so', async () => {
  const old = (await ours())[0]!;
  const port = await moveDataPlanePort();
  const r = await restartFresh(w.ctx());
  assert.match(r.recreated ?? '', /re-rendering config\.yaml/);
  assert.notEqual(r.containerId, old.id);
  assert.match(readFileSync(configFile(), 'utf8'), new RegExp(`:${port}\\b`));
  assert.equal((await statusNow()).state, 'healthy');
  const plain = await restartFresh(w.ctx());
  assert.equal(plain.recreated, undefined, 'a fresh config is restarted in place');
  assert.equal(plain.containerId, r.containerId);
  assert.ok(plain.lastHeartbeatAt);
});

test('restart reports the registration of the new run, never the status file left by the run before', async () => {
  const c = (await ours())[0]!;
  const clusterId = (await w.h.client.clusters((await w.h.client.me()).org_ids[0]!))[0]!.id;
  for (let round = 0; round < 3; round += 1) {
    const restarted = await restartContainer(w.engine, c);
    assert.ok(restarted.startedAt);
    // The file from the run before is still in the container at this point: the control plane has the
    // record, so only the run check tells the two apart.
    const reg = await waitUntilRegistered(w.engine, w.h.client, { clusterId, instanceId, containerId: restarted.id }, { timeoutMs: 30_000 });
    const at = Date.parse(reg.agent?.registered_at ?? '');
    assert.ok(at >= restarted.startedAt - 1000, `registered_at ${reg.agent?.registered_at} is of this run (started ${new Date(restarted.startedAt).toISOString()})`);
  }
});

test('doctor checks the heartbeat and the config centre: etcd hung is config-centre-down, a paused gateway is not ok; both recover by themselves', async () => {
  const ctx = () => ({ engine: w.engine, home: w.home, profile: w.profile, client: w.h.client, env: process.env, discovery: undefined as never });
  const okNow = await gatewayCheck.run(ctx());
  assert.equal(okNow.status, 'ok', okNow.detail);
  assert.match(okNow.detail, /last heartbeat/);
  assert.equal((await configCentreCheck.run(ctx())).status, 'ok');

  process.kill(w.h.etcd.pid, 'SIGSTOP');
  try {
    const down = await configCentreCheck.run(ctx());
    assert.equal(down.status, 'fail');
    assert.match(down.detail, /config-centre-down/);
    assert.match(down.fix ?? '', /gateway-tray launch/);
    // launch adopts the running gateway, but does not call that a plain success.
    const adopted = await launchGateway(w.ctx());
    assert.equal(adopted.adopted, true);
    assert.ok(adopted.notices?.some((n) => /^Adopted, but config-centre-down/.test(n)), JSON.stringify(adopted.notices));
  } finally {
    process.kill(w.h.etcd.pid, 'SIGCONT');
  }
  await waitFor(async () => ((await configCentreCheck.run(ctx())).status === 'ok' ? true : undefined), { timeoutMs: 20_000, what: 'the config centre back' });

  const c = (await ours())[0]!;
  await w.docker.getContainer(c.id).pause();
  try {
    const paused = await gatewayCheck.run(ctx());
    assert.notEqual(paused.status, 'ok', 'no heartbeat from a paused gateway');
    assert.match(paused.detail, /paused/);
  } finally {
    await w.docker.getContainer(c.id).unpause();
  }
  await waitFor(async () => ((await statusNow()).state === 'healthy' ? true : undefined), { timeoutMs: 30_000, what: 'healthy again by itself after unpause' });
});

test('a gateway whose profile is gone is listed with Adopt and Remove; Adopt re-creates the profile from its labels, Remove removes it', async () => {
  const ports = await freeProfilePorts();
  const lost = w.store.add({ name: 'lost', kind: 'local', image: STANDIN_IMAGE, ports });
  const launched = await launchGateway(w.ctx({ profile: lost }));
  w.store.remove('lost');
  const names = () => w.store.list().map((p) => p.name);
  const orphans = await findOrphanGateways(w.engine, w.home, names());
  assert.equal(orphans.length, 1, 'only this home\'s orphan, not other homes\' gateways on the same daemon');
  const [o] = orphans;
  assert.equal(o!.profile, 'lost');
  assert.equal(o!.containerId, launched.containerId);
  assert.deepEqual(o!.actions, ['adopt', 'remove']);
  assert.equal(o!.running, true);

  const back = adoptOrphan(w.store, o!);
  assert.equal(back.image, STANDIN_IMAGE);
  assert.deepEqual(back.ports, ports, 'the ports it publishes');
  assert.deepEqual(await findOrphanGateways(w.engine, w.home, names()), []);
  const again = await launchGateway(w.ctx({ profile: back }));
  assert.equal(again.adopted, true, 'the re-created profile finds its gateway');

  w.store.remove('lost');
  const [gone] = await findOrphanGateways(w.engine, w.home, names());
  await removeOrphan(w.engine, gone!);
  assert.deepEqual(await w.engine.findManaged({ profile: 'lost', instanceId: launched.instanceId }), []);
});

test('a refused token, a dead control plane and a missing token each read as themselves in the status, with their own action', async () => {
  const read = async (client: CloudClient | undefined, problem?: ControlPlaneProblem) => {
    const watcher = new StatusWatcher({ engine: w.engine, home: w.home, profile: 'local', ...(client ? { client } : {}), ...(problem ? { controlPlaneProblem: problem } : {}) });
    try {
      return (await watcher.settled())!.reasons[0]!;
    } finally {
      watcher.dispose();
    }
  };
  const refused = await read(new CloudClient({ baseUrl: w.h.cp.apiUrl, token: 'revoked-token' }));
  assert.equal(refused.reason, 'token-refused', refused.message);
  assert.match(refused.message, /refused this profile's token/);
  const dead = await read(new CloudClient({ baseUrl: `http://127.0.0.1:${await freePort()}`, token: 'x' }));
  assert.equal(dead.reason, 'control-plane-down', dead.message);
  assert.equal(dead.action, 'launch');
  const missing = await read(undefined, problemOfSession('profile "local" has no token stored; set it with …'));
  assert.equal(missing.reason, 'token-missing', missing.message);
  assert.equal(new Set([refused.message, dead.message, missing.message]).size, 3);
});
