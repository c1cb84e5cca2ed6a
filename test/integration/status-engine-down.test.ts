/**
 * The watcher with no Docker daemon at its endpoint (a socket path where nothing listens: the real
 * failure, produced on demand): it reports `error` with the start-docker action, keeps retrying without
 * throwing, and dispose() leaves nothing running (this file would not end otherwise).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DockerEngine } from '../../src/core/engine/engine.ts';
import { StatusWatcher } from '../../src/core/status/status-watcher.ts';
import { trayModel } from '../../src/core/tray/tray-model.ts';

test('no engine: error with the start-docker action, from settled() and from probeNow()', async () => {
  const home = await mkdtemp(join(tmpdir(), 'gt-nodocker-'));
  const socketPath = join(home, 'no-docker.sock');
  const watcher = new StatusWatcher({ engine: new DockerEngine({ protocol: 'unix', url: `unix://${socketPath}`, socketPath }), home, profile: 'local' });
  const seen: string[] = [];
  watcher.on('status', (s) => seen.push(s.state));
  try {
    const first = await watcher.settled(10_000);
    assert.equal(first?.state, 'error');
    assert.equal(first?.reasons[0]?.code, 'engine-unavailable');
    assert.equal(first?.reasons[0]?.action, 'start-docker');
    assert.match(first?.reasons[0]?.message ?? '', /Docker is not running at unix:\/\/.*no-docker\.sock/);
    const model = trayModel(first!);
    assert.equal(model.iconKey, 'gateway-error');
    assert.equal(model.menu[0]?.type, 'status', 'the menu starts with status lines');
    const again = await watcher.probeNow();
    assert.equal(again?.state, 'error');
    assert.equal(seen.filter((s) => s === 'error').length, 1, 'the same state is emitted once, not on every probe');
  } finally {
    watcher.dispose();
    await rm(home, { recursive: true, force: true });
  }
});
