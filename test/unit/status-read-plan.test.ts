/**
 * The watcher's reading policy for a paused gateway: it sends no heartbeat, so the control plane's
 * record is still read (timed by when it could turn Lost) even while nobody looks, and the agent's
 * status file, which a frozen container cannot change, is not.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { agentWanted, instanceIntervalMs, instanceWanted, type ReadPlanState } from '../../src/core/status/read-plan.ts';

const T0 = Date.parse('2026-11-27T10:00:00Z');
const idle: ReadPlanState = {
  engineReady: true,
  containerRunning: false,
  containerPaused: true,
  lookers: 0,
  agent: null,
  instance: { status: 'Healthy', lastSeenTime: new Date(T0 - 5000).toISOString() },
  instanceFailures: 0,
  instancePolledAt: T0,
};

test('paused and nobody looking: the record is read, when it could first say Lost; the agent file is not', () => {
  assert.equal(instanceWanted(idle), true);
  assert.equal(agentWanted(idle), false);
  assert.equal(instanceIntervalMs(idle, { lostAfterMs: 15_000 }), 15_000 - 5000 + 1000);
});

test('stopped (neither running nor paused) and nobody looking: nothing is read', () => {
  assert.equal(instanceWanted({ ...idle, containerPaused: false }), false);
});
