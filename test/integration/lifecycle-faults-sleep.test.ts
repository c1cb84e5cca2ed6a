/**
 * Simulated sleep of the CLI's background control plane, against the real dockerd, the app's own etcd,
 * the stand-in gateway, the real agent and `gateway-tray` itself as a child process: `launch`, then
 * SIGSTOP the process that hosts the control plane for longer than the lost threshold
 * (GATEWAY_TRAY_LOST_AFTER, shortened here): Lost, then Healthy by itself after SIGCONT.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alive } from '../../src/core/gateway/background-process.ts';
import { readBackgroundRecord } from '../../src/core/gateway/background-record.ts';
import type { GatewayStatus } from '../../src/core/status/gateway-status.ts';
import { StatusWatcher } from '../../src/core/status/status-watcher.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { faultsHome } from './background-faults-home.ts';

/** Above the agent's 10 s heartbeat interval with room to spare, well below the default 30 s. */
const LOST_AFTER_MS = 15_000;
const f = faultsHome('gt-lifecycle-sleep-', LOST_AFTER_MS, async (home) => {
  const launched = await home.cli('launch');
  assert.equal(launched.code, 0, launched.stderr);
});
const { engine, containers, located, heartbeatAfter } = f;

test('simulated sleep: the control plane\'s process stopped longer than the lost threshold shows Lost, then Healthy by itself', { timeout: 180_000 }, async (t) => {
  const bg = readBackgroundRecord(f.home);
  assert.ok(bg && alive(bg.pid));
  const { client } = await located();
  const watcher = new StatusWatcher({ engine, home: f.home, profile: 'local', client, lostAfterMs: LOST_AFTER_MS });
  const seen: GatewayStatus[] = [];
  watcher.on('status', (s) => seen.push(s));
  const release = watcher.look();
  watcher.start();
  try {
    await waitFor(() => watcher.current?.state === 'healthy', { timeoutMs: 30_000, what: 'Healthy before the sleep' });
    process.kill(bg.pid, 'SIGSTOP');
    let lost: GatewayStatus;
    try {
      lost = await waitFor(() => (watcher.current?.state === 'lost' ? watcher.current : undefined), { timeoutMs: 60_000, intervalMs: 250, what: 'Lost while the control plane sleeps' });
    } finally {
      process.kill(bg.pid, 'SIGCONT');
    }
    const wokeAt = Date.now();
    t.diagnostic(`while asleep: ${lost.state}: ${lost.reasons.map((r) => r.message).join(' | ')}`);
    assert.match(lost.reasons[0]?.message ?? '', /No heartbeat has reached the control plane for \d+ s/);
    const back = await waitFor(() => (watcher.current?.state === 'healthy' ? watcher.current : undefined), { timeoutMs: 45_000, intervalMs: 250, what: 'Healthy by itself after SIGCONT' });
    const states = seen.map((s) => s.state).filter((s, i, all) => i === 0 || all[i - 1] !== s);
    t.diagnostic(`states: ${states.join(' → ')}; healthy again ${Date.now() - wokeAt} ms after SIGCONT`);
    const [firstHealthy, lostAt] = [states.indexOf('healthy'), states.indexOf('lost')];
    assert.ok(firstHealthy >= 0 && lostAt > firstHealthy && states.at(-1) === 'healthy', `Healthy, Lost while asleep, Healthy again: ${states.join(' → ')}`);
    assert.equal(back.containerId, (await containers())[0]?.id, 'the same container, no action taken');
    await heartbeatAfter(wokeAt, 'a heartbeat after the wake-up');
  } finally {
    release();
    watcher.dispose();
  }
});
