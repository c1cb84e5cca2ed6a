import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createThrottle, type ThrottleClock } from '../../src/core/engine/throttle.ts';
import { Backoff } from '../../src/core/engine/backoff.ts';

/** A clock driven by hand: time moves only when the test says so. */
function manualClock(): ThrottleClock & { advance(ms: number): void } {
  let now = 0;
  let timers: Array<{ at: number; fn: () => void; id: number }> = [];
  let nextId = 1;
  return {
    now: () => now,
    setTimeout: (fn, ms) => {
      const id = nextId++;
      timers.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimeout: (id) => {
      timers = timers.filter((t) => t.id !== id);
    },
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const due = timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        timers = timers.filter((t) => t !== due);
        now = due.at;
        due.fn();
      }
      now = end;
    },
  };
}

test('at most 10 updates a second, each the latest value, and the final one always sent', () => {
  const clock = manualClock();
  const emitted: Array<[number, number]> = [];
  const throttle = createThrottle<number>((v) => emitted.push([clock.now(), v]), 100, clock);
  // 1000 values over one second, one per millisecond.
  for (let i = 0; i < 1000; i += 1) {
    throttle.push(i);
    clock.advance(1);
  }
  throttle.flush(1000);
  assert.ok(emitted.length <= 12, `emitted ${emitted.length} times`);
  assert.ok(emitted.length >= 10, `emitted only ${emitted.length} times`);
  for (let i = 1; i < emitted.length - 1; i += 1) {
    assert.ok(emitted[i]![0] - emitted[i - 1]![0] >= 100, `two updates ${emitted[i]![0] - emitted[i - 1]![0]} ms apart`);
  }
  assert.deepEqual(emitted[0], [0, 0], 'the first value goes out at once');
  assert.equal(emitted.at(-1)![1], 1000, 'the final value is never lost');
});

test('a pending value is sent when its interval is over; flush and cancel drop it', () => {
  const clock = manualClock();
  const emitted: number[] = [];
  const throttle = createThrottle<number>((v) => emitted.push(v), 100, clock);
  throttle.push(1);
  throttle.push(2);
  throttle.push(3);
  assert.deepEqual(emitted, [1]);
  clock.advance(100);
  assert.deepEqual(emitted, [1, 3], 'the latest pending value, not every one');
  throttle.push(4);
  throttle.flush(5);
  clock.advance(500);
  assert.deepEqual(emitted, [1, 3, 5]);
  throttle.push(6);
  throttle.push(7);
  throttle.cancel();
  clock.advance(500);
  assert.deepEqual(emitted, [1, 3, 5, 6]);
});

test('backoff grows exponentially to its cap, jitters downwards, and resets', () => {
  const fixed = new Backoff({ initialMs: 100, maxMs: 1000, factor: 2, jitter: 0 });
  assert.deepEqual(Array.from({ length: 7 }, () => fixed.next()), [100, 200, 400, 800, 1000, 1000, 1000]);
  fixed.reset();
  assert.equal(fixed.next(), 100);
  const jittered = new Backoff({ initialMs: 1000, maxMs: 8000, jitter: 0.5, random: () => 1 });
  assert.deepEqual([jittered.next(), jittered.next()], [500, 1000]);
  const random = new Backoff({ initialMs: 1000, maxMs: 1000, jitter: 0.2 });
  for (let i = 0; i < 50; i += 1) {
    const d = random.next();
    assert.ok(d >= 800 && d <= 1000, `delay ${d} outside the jitter band`);
  }
});
