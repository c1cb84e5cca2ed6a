import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rotateLogIfLarge, startBackground } from '../../src/core/gateway/background-process.ts';
import { waitFor } from '../helpers/wait-for.ts';

const made: string[] = [];
const dir = () => {
  const d = mkdtempSync(join(tmpdir(), 'gt-logrot-'));
  made.push(d);
  return d;
};
after(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

test('a log under the limit stays where it is', () => {
  const log = join(dir(), 'cp.log');
  writeFileSync(log, 'small\n');
  assert.equal(rotateLogIfLarge(log, 100), false);
  assert.equal(readFileSync(log, 'utf8'), 'small\n');
  assert.equal(existsSync(`${log}.1`), false);
});

test('a missing log is not an error', () => {
  assert.equal(rotateLogIfLarge(join(dir(), 'none.log'), 1), false);
});

test('a log past the limit becomes .1, replacing the older .1', () => {
  const log = join(dir(), 'cp.log');
  writeFileSync(`${log}.1`, 'oldest\n');
  writeFileSync(log, 'x'.repeat(200));
  assert.equal(rotateLogIfLarge(log, 100), true);
  assert.equal(readFileSync(`${log}.1`, 'utf8'), 'x'.repeat(200));
  assert.equal(existsSync(log), false);
});

test('a background start sets a large log aside and writes the new run to a fresh file', async () => {
  const d = dir();
  const log = join(d, 'bg.log');
  writeFileSync(log, 'y'.repeat(300));
  const proc = startBackground(process.execPath, ['-e', 'console.log("fresh run")'], { logFile: log, pidFile: join(d, 'bg.pid'), rotateBytes: 100 });
  let code: number | null | undefined;
  void proc.exited.then((c) => (code = c));
  // The child is unref'd (it outlives its starter), so the test keeps the loop alive while it waits.
  await waitFor(() => code !== undefined, { what: 'the background process to exit' });
  assert.equal(code, 0);
  assert.equal(readFileSync(log, 'utf8'), 'fresh run\n');
  assert.equal(readFileSync(`${log}.1`, 'utf8'), 'y'.repeat(300));
});
