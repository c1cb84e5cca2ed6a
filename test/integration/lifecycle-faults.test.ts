/**
 * Faults around the CLI's background control plane, against the real dockerd, the app's own etcd, the
 * stand-in gateway, the real agent and `gateway-tray` itself as a child process. One home, in order; each
 * test leaves the gateway running for the next:
 * - the background control plane restarted (stopped, then `launch` starts it again): heartbeats resume
 *   on the same container;
 * - restarted with its old data-plane port taken: it moves, and `launch` re-renders config.yaml and
 *   recreates the container, saying so.
 * The simulated sleep of the control plane is in lifecycle-faults-sleep.test.ts, on a home of its own,
 * so that the two run side by side.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { readBackgroundRecord } from '../../src/core/gateway/background-record.ts';
import { readRememberedPorts } from '../../src/core/gateway/control-plane-ports.ts';
import { instancePaths } from '../../src/core/gateway/paths.ts';
import { faultsHome } from './background-faults-home.ts';

/** Above the agent's 10 s heartbeat interval with room to spare, well below the default 30 s. */
const LOST_AFTER_MS = 15_000;
const f = faultsHome('gt-lifecycle-faults-', LOST_AFTER_MS);
const { cli, containers, cpDir, heartbeatAfter } = f;

test('the background control plane restarted: launch adopts the same container and its heartbeats resume', { timeout: 180_000 }, async (t) => {
  const first = await cli('launch');
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /^Launched /m);
  const [c] = await containers();
  assert.ok(c);
  const stop = await cli('control-plane', 'stop');
  assert.equal(stop.code, 0, stop.stderr);

  const restartedAt = Date.now();
  const again = await cli('launch');
  assert.equal(again.code, 0, again.stderr);
  t.diagnostic(`launch after the restart says:\n${again.stdout}${again.stderr}`);
  assert.match(again.stdout, new RegExp(`^Already running; adopted \\S+ \\(${c.id.slice(0, 12)}\\)`, 'm'));
  assert.doesNotMatch(again.stderr, /re-rendering/);
  await heartbeatAfter(restartedAt, 'a heartbeat to the restarted control plane');
  assert.deepEqual((await containers()).map((x) => x.id), [c.id], 'the same container');
});

test('restarted with its old data-plane port taken: it moves, and launch re-renders and recreates the gateway, saying so', { timeout: 180_000 }, async (t) => {
  const [old] = await containers();
  assert.ok(old);
  const oldPort = readRememberedPorts(cpDir())!.dpPort;
  assert.equal((await cli('control-plane', 'stop')).code, 0);
  const squatter: Server = createServer();
  await new Promise<void>((resolve) => squatter.listen(oldPort, '127.0.0.1', resolve));
  try {
    const restartedAt = Date.now();
    const r = await cli('launch');
    t.diagnostic(`launch with the port taken says:\n${r.stdout}${r.stderr}`);
    assert.equal(r.code, 0, r.stderr);
    const newPort = readRememberedPorts(cpDir())!.dpPort;
    assert.notEqual(newPort, oldPort);
    assert.match(r.stderr, new RegExp(`data-plane endpoint port ${oldPort} is taken by pid ${process.pid} \\(.*\\); waiting up to 10 s for it to be free`));
    assert.match(r.stderr, new RegExp(`data-plane endpoint port ${oldPort} is still taken by pid ${process.pid} .* after 10 s; moving to a free port\\.`));
    assert.match(r.stderr, new RegExp(`data-plane endpoint moved from port ${oldPort} to ${newPort} \\(remembered in `));
    assert.match(r.stderr, new RegExp(`config names https://host\\.docker\\.internal:${oldPort}, but the control plane now listens at https://host\\.docker\\.internal:${newPort}: re-rendering config\\.yaml and recreating the container`));
    assert.match(r.stdout, /^Launched /m, 'not "adopted"');
    const [now] = await containers();
    assert.ok(now && now.id !== old.id, 'a new container');
    assert.match(readFileSync(instancePaths(f.home, 'local', 'default').configFile, 'utf8'), new RegExp(`host\\.docker\\.internal:${newPort}\\b`));
    assert.equal(readBackgroundRecord(f.home)?.dpPort, newPort);
    await heartbeatAfter(restartedAt, 'heartbeats on the new port');
  } finally {
    await new Promise<void>((resolve) => squatter.close(() => resolve()));
  }
});
