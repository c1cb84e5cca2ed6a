/**
 * LaunchTurns: one launch flow at a time per profile (the user's launches and restarts, and the control
 * plane's recreate of a stale gateway). Jobs are gated by promises the test resolves, not by sleeps.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LaunchTurns } from '../../src/core/app/launch-turns.ts';
import { reasonOf } from '../../src/core/reasons/reason-of.ts';

function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

test('a second job of one profile waits for the first, says what it waits for, then runs', async () => {
  const turns = new LaunchTurns();
  const order: string[] = [];
  const first = gate();
  const recreate = turns.run('local', 'the recreate', async () => {
    order.push('recreate start');
    await first.promise;
    order.push('recreate end');
    return 'recreated';
  });
  const waitedFor: string[] = [];
  const launch = turns.run('local', 'a launch', async () => {
    order.push('launch');
    return 'launched';
  }, { onWait: (h) => waitedFor.push(h.what) });
  assert.equal(turns.holder('local')?.what, 'the recreate');
  await Promise.resolve();
  assert.deepEqual(order, ['recreate start'], 'the launch has not started');
  first.open();
  assert.deepEqual(await Promise.all([recreate, launch]), ['recreated', 'launched']);
  assert.deepEqual(order, ['recreate start', 'recreate end', 'launch']);
  assert.deepEqual(waitedFor, ['the recreate']);
  assert.equal(turns.holder('local'), undefined, 'released');
});

test('other profiles do not wait; a failed job still hands the turn on', async () => {
  const turns = new LaunchTurns();
  const held = gate();
  const a = turns.run('a', 'x', () => held.promise);
  assert.equal(await turns.run('b', 'y', async () => 'b ran'), 'b ran', 'profile b is not held by a');
  held.open();
  await a;
  await assert.rejects(turns.run('a', 'x', async () => Promise.reject(new Error('boom'))), /boom/);
  assert.equal(await turns.run('a', 'y', async () => 'after'), 'after');
});

test('of three jobs, each runs alone, in turn', async () => {
  const turns = new LaunchTurns();
  let running = 0;
  let most = 0;
  const job = async () => {
    running += 1;
    most = Math.max(most, running);
    await new Promise<void>((resolve) => setImmediate(resolve));
    running -= 1;
  };
  await Promise.all([turns.run('p', '1', job), turns.run('p', '2', job), turns.run('p', '3', job)]);
  assert.equal(most, 1);
});

test('a cancelled wait rejects as "cancelled" at once, and its job never runs', async () => {
  const turns = new LaunchTurns();
  const held = gate();
  const holder = turns.run('local', 'the recreate', () => held.promise);
  const abort = new AbortController();
  let ran = false;
  const waiting = turns.run('local', 'a launch', async () => {
    ran = true;
  }, { signal: abort.signal });
  abort.abort();
  const err = await waiting.then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof Error);
  assert.match(err.message, /cancelled while it waited for the recreate/);
  assert.equal(reasonOf(err), 'cancelled');
  assert.equal(turns.holder('local')?.what, 'the recreate', 'the holder keeps its turn');
  held.open();
  await holder;
  assert.equal(ran, false);
});
