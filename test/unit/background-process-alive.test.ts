import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { alive } from '../../src/core/gateway/background-process.ts';

test('alive: this process is, a reaped child is not, and 0, negatives and a garbled pid file are no process', () => {
  assert.equal(alive(process.pid), true);
  const gone = spawnSync(process.execPath, ['-e', '']).pid;
  assert.ok(gone && gone > 0);
  assert.equal(alive(gone), false);
  // kill(0, 0) would reach this whole process group and say yes.
  for (const pid of [0, -1, Number.NaN, 1.5]) assert.equal(alive(pid), false, String(pid));
});
