/**
 * The status watcher against a real dockerd, the stand-in gateway, a real etcd and the real control plane
 * with shrunk thresholds: healthy after launch, `stopped` within 1 s of a stop, `error` within 1 s of a
 * kill and out of it within 1 s of a start (Docker events, not polling: the container is never polled),
 * `lost` after the threshold when the control plane stops, and back to healthy when it returns. Docker
 * sends the watcher the events of its own gateway only, not those of every managed container.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Engine } from '../../src/core/engine/engine.ts';
import { managedLabels } from '../../src/core/engine/labels.ts';
import type { EngineMonitor } from '../../src/core/engine/monitor.ts';
import type { EngineEvent } from '../../src/core/engine/types.ts';
import { launchGateway } from '../../src/core/gateway/launch.ts';
import type { LaunchResult } from '../../src/core/gateway/types.ts';
import type { GatewayStatus } from '../../src/core/status/gateway-status.ts';
import { StatusWatcher } from '../../src/core/status/status-watcher.ts';
import { STANDIN_IMAGE, TEST_LABEL } from '../helpers/docker.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { startLaunchWorld, type LaunchWorld } from './launch-setup.ts';

const LOST_AFTER_MS = 3000;

let w: LaunchWorld;
let watcher: StatusWatcher;
let launched: LaunchResult;
/** The watcher's own monitor, to see what Docker sends it. */
let monitor: EngineMonitor | undefined;
const seen: Array<{ at: number; status: GatewayStatus }> = [];

function stateSince(state: GatewayStatus['state'], since: number): { at: number; status: GatewayStatus } | undefined {
  return seen.find((s) => s.at >= since && s.status.state === state);
}

before(async () => {
  w = await startLaunchWorld('status', { lostAfterMs: LOST_AFTER_MS, offlineAfterMs: 600_000 });
  launched = await launchGateway(w.ctx());
  // The real engine, with the monitor it makes for the watcher kept in sight.
  const engine: Engine = Object.create(w.engine, { createMonitor: { value: (o: Parameters<Engine['createMonitor']>[0]) => (monitor = w.engine.createMonitor(o)) } });
  watcher = new StatusWatcher({
    engine,
    home: w.home,
    profile: 'local',
    client: w.h.client,
    pollMs: 1000,
    instancePollMs: 1000,
    idleInstancePollMs: 1000,
    certificatePollMs: 2000,
    lostAfterMs: LOST_AFTER_MS,
    registerGraceMs: 30_000,
    ports: { http: w.profile.ports.proxyHttp },
  });
  watcher.on('status', (status) => seen.push({ at: Date.now(), status }));
  watcher.start();
});
after(async () => {
  watcher?.dispose();
  await w?.cleanup();
});

test('a launched gateway shows healthy, with its instance id, container id and last heartbeat', async () => {
  const healthy = await waitFor(() => (watcher.current?.state === 'healthy' ? watcher.current : undefined), { timeoutMs: 30_000, what: 'healthy' });
  assert.equal(healthy.instanceId, launched.instanceId);
  assert.equal(healthy.containerId, launched.containerId);
  assert.ok(healthy.lastHeartbeatAt && healthy.registeredAt);
  assert.ok(healthy.certificateNotAfter);
  assert.deepEqual(healthy.reasons.map((r) => r.code), ['healthy']);
});

test('a stopped container shows stopped within 1 s', async () => {
  const emitsBefore = seen.length;
  const t0 = Date.now();
  await w.docker.getContainer(launched.containerId).stop({ t: 5 });
  const stopReturned = Date.now();
  const stopped = await waitFor(() => stateSince('stopped', t0), { timeoutMs: 5000, intervalMs: 20, what: 'a stopped status' });
  // The watcher learns of the stop from Docker's event stream, so it is shown as soon as Docker says so.
  assert.ok(stopped.at - stopReturned <= 1000, `stopped shown ${stopped.at - stopReturned} ms after docker stop returned`);
  assert.equal(stopped.status.reasons[0]?.code, 'stopped');
  assert.equal(stopped.status.reasons[0]?.action, 'launch');
  // Every poll does not emit: only changes do.
  const after = seen.length;
  await new Promise((r) => setTimeout(r, 2500)); // a window of polls, to count emissions (not waiting for a state)
  assert.equal(seen.length, after, 'no emission while nothing changes');
  assert.ok(after > emitsBefore);
});

test('launched again, it is healthy again', async () => {
  const t0 = Date.now();
  const again = await launchGateway(w.ctx());
  assert.equal(again.instanceId, launched.instanceId, 'the instance id is stable across launches');
  launched = again;
  await watcher.probeNow();
  await waitFor(() => stateSince('healthy', t0), { timeoutMs: 30_000, what: 'healthy after relaunch' });
});

test('a stopped control plane shows lost after the threshold, and recovers when it returns', async () => {
  const t0 = Date.now();
  await w.h.cp.stop();
  const lost = await waitFor(() => stateSince('lost', t0), { timeoutMs: 30_000, what: 'lost' });
  assert.ok(lost.at - t0 >= LOST_AFTER_MS - 1000, `lost after ${lost.at - t0} ms, not before the threshold`);
  assert.equal(lost.status.reasons[0]?.code, 'control-plane-unreachable');
  const t1 = Date.now();
  await w.restartControlPlane({ lostAfterMs: LOST_AFTER_MS, offlineAfterMs: 600_000 });
  const back = await waitFor(() => stateSince('healthy', t1), { timeoutMs: 30_000, what: 'healthy after the control plane returned' });
  assert.ok(back.at - t1 < 15_000, `recovered in ${back.at - t1} ms`);
});

test('a killed gateway shows crashed within 1 s, and a start shows within 1 s', async () => {
  await waitFor(() => watcher.current?.state === 'healthy', { timeoutMs: 30_000, what: 'healthy before the kill' });
  const t0 = Date.now();
  await w.docker.getContainer(launched.containerId).kill();
  const killReturned = Date.now();
  const crashed = await waitFor(() => stateSince('error', t0), { timeoutMs: 5000, intervalMs: 20, what: 'an error status after the kill' });
  assert.ok(crashed.at - killReturned <= 1000, `crashed shown ${crashed.at - killReturned} ms after docker kill returned`);
  assert.equal(crashed.status.reasons[0]?.code, 'crashed');

  const t1 = Date.now();
  await w.docker.getContainer(launched.containerId).start();
  const startReturned = Date.now();
  const started = await waitFor(() => seen.find((s) => s.at >= t1 && s.status.state !== 'error'), { timeoutMs: 5000, intervalMs: 20, what: 'a status after the start' });
  assert.ok(started.at - startReturned <= 1000, `start shown ${started.at - startReturned} ms after docker start returned`);
  // Healthy again on a heartbeat of the new run, not on what the control plane remembers of the last one.
  await waitFor(() => seen.find((s) => s.at >= t1 && s.status.state === 'healthy' && Date.parse(s.status.lastHeartbeatAt ?? '') >= t1 - 1000), { timeoutMs: 30_000, what: 'healthy on a new heartbeat after the start' });
});

test('the events of another gateway of the same profile never reach the watcher: Docker drops them', async () => {
  const got: EngineEvent[] = [];
  const keep = (e: EngineEvent): number => got.push(e);
  monitor!.on('event', keep);
  try {
    const other = await w.docker.createContainer({ Image: STANDIN_IMAGE, Entrypoint: ['sleep'], Cmd: ['0'], Labels: { ...managedLabels('another-instance', 'local'), [TEST_LABEL]: w.run } });
    await other.start();
    await other.wait();
    await other.remove();
    // Events come in order: once one of ours after it has arrived, any of the other's would have too.
    const ours = w.docker.getContainer(launched.containerId);
    await ours.pause();
    await ours.unpause();
    await waitFor(() => got.some((e) => e.type === 'container' && e.containerId === launched.containerId && e.action === 'unpause'), { timeoutMs: 5000, intervalMs: 20, what: 'our unpause event' });
    assert.deepEqual(
      got.filter((e) => e.type === 'container' && e.containerId === other.id).map((e) => e.type === 'container' && e.action),
      [],
    );
  } finally {
    monitor!.off('event', keep);
  }
});

test('dispose releases everything: no more emissions', async () => {
  watcher.dispose();
  const count = seen.length;
  await w.docker.getContainer(launched.containerId).stop({ t: 5 });
  await new Promise((r) => setTimeout(r, 1500)); // a window in which a live watcher would have emitted
  assert.equal(seen.length, count);
});
