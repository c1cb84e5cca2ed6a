import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireLock, HomeLockTimeoutError, tryLock } from '../../src/core/gateway/home-lock.ts';

function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

test('one holder at a time: the lock file names its owner pid and is removed on release', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gt-lock-'));
  try {
    const file = join(dir, 'start.lock');
    const first = tryLock(file);
    assert.ok(first);
    assert.equal(readFileSync(file, 'utf8').trim(), String(process.pid));
    assert.equal(tryLock(file), undefined, 'a second attempt while it is held fails');
    first.release();
    assert.equal(existsSync(file), false);
    first.release();
    assert.ok(tryLock(file), 'free again');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a lock left by a dead pid is broken', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gt-lock-'));
  try {
    const file = join(dir, 'start.lock');
    writeFileSync(file, `${deadPid()}\n`);
    const lock = tryLock(file);
    assert.ok(lock);
    assert.equal(readFileSync(file, 'utf8').trim(), String(process.pid));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a waiter ends early with what the holder made, or times out naming the holder', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gt-lock-'));
  try {
    const file = join(dir, 'start.lock');
    // pid 1 is alive and never ours: a held lock.
    writeFileSync(file, '1\n');
    let rounds = 0;
    const r = await acquireLock(file, { timeoutMs: 5_000, pollMs: 10, whileWaiting: async () => (++rounds >= 3 ? 'made by the winner' : undefined) });
    assert.deepEqual(r, { found: 'made by the winner' });
    await assert.rejects(acquireLock(file, { timeoutMs: 100, pollMs: 10 }), (err: unknown) => err instanceof HomeLockTimeoutError && err.ownerPid === 1 && /held by pid 1/.test(err.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
