/**
 * `docker pause` of a real gateway (a laptop's sleep looks the same to the control plane): while the
 * pause is shorter than the lost threshold it is Degraded "paused"; once its last heartbeat is older
 * than the threshold it is Lost, still with the code "paused"; after `docker unpause` it is Healthy by
 * itself, on a new heartbeat. The watcher is left idle (nobody looks), as the tray's is most of the day.
 * The threshold is shortened (15 s, on the control plane and in the watcher) but stays above the
 * agent's 10 s heartbeat interval, so a healthy gateway stays healthy between heartbeats.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchGateway } from '../../src/core/gateway/launch.ts';
import type { LaunchResult } from '../../src/core/gateway/types.ts';
import type { GatewayStatus } from '../../src/core/status/gateway-status.ts';
import { StatusWatcher } from '../../src/core/status/status-watcher.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { startLaunchWorld, type LaunchWorld } from './launch-setup.ts';

const LOST_AFTER_MS = 15_000;

let w: LaunchWorld;
let watcher: StatusWatcher;
let launched: LaunchResult;
const seen: Array<{ at: number; status: GatewayStatus }> = [];

before(async () => {
  w = await startLaunchWorld('status-paused', { lostAfterMs: LOST_AFTER_MS, offlineAfterMs: 600_000 });
  launched = await launchGateway(w.ctx());
  watcher = new StatusWatcher({ engine: w.engine, home: w.home, profile: 'local', client: w.h.client, lostAfterMs: LOST_AFTER_MS });
  watcher.on('status', (status) => seen.push({ at: Date.now(), status }));
  watcher.start();
});
after(async () => {
  watcher?.dispose();
  const c = launched ? w.docker.getContainer(launched.containerId) : undefined;
  if (c && (await c.inspect().catch(() => undefined))?.State.Paused) await c.unpause();
  await w?.cleanup();
});

test('paused past the lost threshold is Lost ("paused"), then Healthy by itself after unpause', { timeout: 120_000 }, async () => {
  await waitFor(() => watcher.current?.state === 'healthy', { timeoutMs: 30_000, what: 'healthy after launch' });
  const container = w.docker.getContainer(launched.containerId);

  const t0 = Date.now();
  await container.pause();
  const paused = await waitFor(() => seen.find((s) => s.at >= t0 && s.status.reasons[0]?.code === 'paused'), { timeoutMs: 5000, intervalMs: 50, what: 'the pause to show' });
  assert.equal(paused.status.state, 'degraded', 'a short pause is not Lost yet');

  const lost = await waitFor(() => seen.find((s) => s.at >= t0 && s.status.state === 'lost'), { timeoutMs: LOST_AFTER_MS + 20_000, intervalMs: 200, what: 'Lost while paused' });
  assert.equal(lost.status.reasons[0]?.code, 'paused', 'the code still says why');
  const heartbeatAge = lost.at - Date.parse(lost.status.lastHeartbeatAt ?? '');
  assert.ok(heartbeatAge > LOST_AFTER_MS - 1000, `Lost once the last heartbeat is older than the threshold (it was ${heartbeatAge} ms old)`);
  assert.ok(lost.at - t0 < LOST_AFTER_MS + 15_000, `Lost ${lost.at - t0} ms after the pause`);

  const t1 = Date.now();
  await container.unpause();
  const back = await waitFor(() => seen.find((s) => s.at >= t1 && s.status.state === 'healthy'), { timeoutMs: 30_000, intervalMs: 200, what: 'healthy again after unpause' });
  assert.ok(Date.parse(back.status.lastHeartbeatAt ?? '') >= t1 - 1000, 'healthy on a heartbeat sent after the unpause');
  assert.equal(back.status.containerId, launched.containerId, 'the same container, not a new one');
});
