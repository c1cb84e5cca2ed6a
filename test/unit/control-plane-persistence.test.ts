import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../../src/control-plane/clock.ts';
import { WatchTracker } from '../../src/control-plane/config-centre/watch-tracker.ts';
import { loadInstances } from '../../src/control-plane/registry/load.ts';
import { InstanceTableWriter } from '../../src/control-plane/registry/persistence.ts';
import { InstanceRegistry } from '../../src/control-plane/registry/registry.ts';
import { DEFAULT_THRESHOLDS } from '../../src/control-plane/registry/status.ts';
import { waitFor } from '../helpers/wait-for.ts';

const hb = (id: string) => ({ id, apiCalls: 2, etcdReachable: true, certSerial: 'ab', certNotAfterMs: 0 });

test('the instance table is written atomically at 0600 and read back', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gt-inst-'));
  try {
    const path = join(dir, 'instances.json');
    const reg = new InstanceRegistry(systemClock, DEFAULT_THRESHOLDS, new WatchTracker());
    const writer = new InstanceTableWriter(path, () => reg.snapshot(), () => undefined, 10);
    reg.attachWriter(writer);
    reg.heartbeat(hb('one'));
    reg.heartbeat(hb('two'));
    await waitFor(async () => (await loadInstances(path, () => undefined)).length === 2, { what: 'the debounced write' });
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    const back = await loadInstances(path, () => undefined);
    assert.deepEqual(back.map((r) => r.id).sort(), ['one', 'two']);
    await writer.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a failed write keeps the table in memory, is logged once, and is retried until it works', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gt-inst-'));
  try {
    // A file where the folder should be: the write fails for real (ENOTDIR) until the file is removed.
    const blocker = join(dir, 'state');
    await writeFile(blocker, 'not a folder');
    const path = join(blocker, 'instances.json');
    const logs: string[] = [];
    const reg = new InstanceRegistry(systemClock, DEFAULT_THRESHOLDS, new WatchTracker());
    const writer = new InstanceTableWriter(path, () => reg.snapshot(), (l) => logs.push(l), 10, 50);
    reg.attachWriter(writer);
    reg.heartbeat(hb('survivor'));
    await waitFor(() => logs.length > 0, { what: 'the failure to be logged' });
    assert.match(logs[0] ?? '', /could not write .*keeping it in memory/);
    assert.equal(reg.get('survivor')?.status, 'Healthy');
    await rm(blocker);
    await mkdir(blocker);
    await waitFor(async () => (await loadInstances(path, () => undefined)).length === 1, { what: 'the retried write' });
    assert.ok(logs.some((l) => /works again/.test(l)));
    assert.equal(logs.filter((l) => /could not write/.test(l)).length, 1, 'the same failure is logged once');
    await writer.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a damaged table is moved aside and the control plane starts empty', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gt-inst-'));
  try {
    const path = join(dir, 'instances.json');
    await writeFile(path, '{"version":1,"instances":[{"id":');
    const logs: string[] = [];
    assert.deepEqual(await loadInstances(path, (l) => logs.push(l)), []);
    assert.match(logs[0] ?? '', /moved it to .*damaged/);
    await assert.rejects(readFile(path), /ENOENT/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
