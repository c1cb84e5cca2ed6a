/**
 * The monitor against a daemon that stops and starts. It uses a private dockerd, never the system one:
 * its own socket, data, exec root (and so its own containerd), pid file and config file. It runs in its
 * own network namespace because `--bridge=none` makes dockerd delete the host's `docker0` bridge, which
 * the system daemon needs (found the hard way on Docker 20.10).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import Docker from 'dockerode';
import { EngineMonitor } from '../../src/core/engine/monitor.ts';
import { parseHostUrl } from '../../src/core/engine/host-url.ts';
import type { EngineEvent, EngineState } from '../../src/core/engine/types.ts';
import { waitFor } from '../helpers/wait-for.ts';

const dir = mkdtempSync(join(tmpdir(), 'gt-dockerd-'));
const socket = join(dir, 'docker.sock');
const endpoint = parseHostUrl(`unix://${socket}`);
const namespace = `gt-engine-test-${process.pid}`;
let daemon: ChildProcess | undefined;

function startDaemon(): ChildProcess {
  writeFileSync(join(dir, 'daemon.json'), '{}');
  const log = openSync(join(dir, 'dockerd.log'), 'a');
  // `unshare` execs dockerd, so the child's pid is dockerd's own.
  const child = spawn(
    'unshare',
    [
      '--net',
      'dockerd',
      '-H', `unix://${socket}`,
      '--data-root', join(dir, 'data'),
      '--exec-root', join(dir, 'exec'),
      '--pidfile', join(dir, 'pid'),
      '--config-file', join(dir, 'daemon.json'),
      '--containerd-namespace', namespace,
      '--containerd-plugins-namespace', `${namespace}-plugins`,
      '--bridge=none',
      '--iptables=false',
    ],
    { stdio: ['ignore', log, log] },
  );
  closeSync(log);
  return child;
}

async function waitUntilUp(): Promise<void> {
  const docker = new Docker({ socketPath: socket });
  await waitFor(() => docker.ping().then(() => true), { what: `the private dockerd to answer at ${socket}`, timeoutMs: 60_000, intervalMs: 250 });
}

async function stopDaemon(): Promise<void> {
  const child = daemon;
  daemon = undefined;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

function logTail(): string {
  try {
    return readFileSync(join(dir, 'dockerd.log'), 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
}

before(async () => {
  daemon = startDaemon();
  try {
    await waitUntilUp();
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- dockerd log ---\n${logTail()}`, { cause: err });
  }
  assert.equal(Number(readFileSync(join(dir, 'pid'), 'utf8')), daemon.pid, 'the pid we stop is dockerd itself');
});

after(async () => {
  await stopDaemon();
  rmSync(dir, { recursive: true, force: true });
});

function volumeEvent(events: EngineEvent[], name: string): EngineEvent | undefined {
  return events.find((e) => e.type === 'volume' && e.action === 'create' && 'actorId' in e && e.actorId === name);
}

test('the daemon stops and starts while the monitor runs: unavailable, then ready, then events resume', async (t) => {
  const monitor = new EngineMonitor({ endpoint, reason: 'private test daemon', backoff: { initialMs: 200, maxMs: 1000 }, pingTimeoutMs: 2000 });
  t.after(() => monitor.dispose());
  const states: EngineState[] = [];
  const events: EngineEvent[] = [];
  let subscribed = 0;
  monitor.on('state', (s) => states.push(s));
  monitor.on('event', (e) => events.push(e));
  monitor.on('subscribed', () => (subscribed += 1));
  monitor.start();

  await waitFor(() => monitor.state.status === 'ready', { what: 'the monitor to report ready', timeoutMs: 20_000 });
  const ready = monitor.state;
  assert.ok(ready.status === 'ready');
  assert.match(ready.engine.version, /^\d+\.\d+/);
  assert.equal(ready.reason, 'private test daemon');
  assert.equal(ready.endpoint, `unix://${socket}`);

  const docker = new Docker({ socketPath: socket });
  await docker.createVolume({ Name: 'gt-before', Labels: { 'io.gateway-tray.managed': 'true' } });
  await waitFor(() => volumeEvent(events, 'gt-before'), { what: 'the volume create event' });

  await stopDaemon();
  await waitFor(() => monitor.state.status === 'unavailable', { what: 'the monitor to report unavailable', timeoutMs: 20_000 });
  assert.equal(monitor.state.reason, `Docker is not running at unix://${socket}: start Docker (or Docker Desktop) and try again`);

  daemon = startDaemon();
  await waitFor(() => monitor.state.status === 'ready', { what: 'the monitor to reconnect', timeoutMs: 60_000 });
  await docker.createVolume({ Name: 'gt-after' });
  await waitFor(() => volumeEvent(events, 'gt-after'), { what: 'events after the restart', timeoutMs: 20_000 });

  const statuses = states.map((s) => s.status).filter((s, i, all) => i === 0 || all[i - 1] !== s);
  assert.deepEqual(statuses, ['ready', 'unavailable', 'ready']);
  // One new stream per connection: what a watcher re-reads once, as events in between are lost.
  assert.equal(subscribed, 2);
});

test("Docker's own event filters: only what the monitor was asked for arrives", async (t) => {
  // Volume events carry no labels, so this filters by action; the status watcher's integration test shows
  // the container label filter at work (its gateway's events arrive through it).
  const monitor = new EngineMonitor({ endpoint, reason: 'private test daemon', pingTimeoutMs: 2000, eventFilters: { type: ['volume'], event: ['create'] } });
  t.after(() => monitor.dispose());
  const events: EngineEvent[] = [];
  monitor.on('event', (e) => events.push(e));
  const subscribed = new Promise<void>((resolve) => monitor.once('subscribed', () => resolve()));
  monitor.start();
  await subscribed;
  const docker = new Docker({ socketPath: socket });
  await docker.createVolume({ Name: 'gt-filtered-1' });
  await docker.getVolume('gt-filtered-1').remove();
  await docker.createVolume({ Name: 'gt-filtered-2' });
  await waitFor(() => volumeEvent(events, 'gt-filtered-2'), { what: 'the second create event' });
  // Docker sends events in order, so the destroy, which came between the two creates, would be here.
  assert.deepEqual(events.map((e) => e.action), ['create', 'create']);
});

test('probeNow re-probes at once, instead of waiting out the backoff', async (t) => {
  // A backoff so long that only probeNow can bring the monitor back within the test.
  const monitor = new EngineMonitor({ endpoint, reason: 'test', backoff: { initialMs: 600_000, maxMs: 600_000, jitter: 0 }, pingTimeoutMs: 2000 });
  t.after(() => monitor.dispose());
  monitor.start();
  await waitFor(() => monitor.state.status === 'ready', { what: 'ready', timeoutMs: 20_000 });
  await stopDaemon();
  await waitFor(() => monitor.state.status === 'unavailable', { what: 'unavailable', timeoutMs: 20_000 });
  daemon = startDaemon();
  await waitUntilUp();
  assert.equal(monitor.state.status, 'unavailable', 'still waiting out its backoff');
  monitor.probeNow();
  await waitFor(() => monitor.state.status === 'ready', { what: 'ready after probeNow', timeoutMs: 10_000 });
});

test('dispose releases the stream and timers: no more states or events afterwards', async () => {
  const monitor = new EngineMonitor({ endpoint, reason: 'test', backoff: { initialMs: 100, maxMs: 200 } });
  const seen: string[] = [];
  monitor.on('state', (s) => seen.push(s.status));
  monitor.on('event', (e) => seen.push(e.type));
  monitor.start();
  await waitFor(() => monitor.state.status === 'ready', { what: 'ready', timeoutMs: 20_000 });
  monitor.dispose();
  const count = seen.length;
  const docker = new Docker({ socketPath: socket });
  await docker.createVolume({ Name: 'gt-after-dispose' });
  await stopDaemon();
  // Give a would-be retry loop (100-200 ms backoff) many chances to report something.
  const probe = new EngineMonitor({ endpoint, reason: 'probe', backoff: { initialMs: 100, maxMs: 100 } });
  const probeStates: string[] = [];
  probe.on('state', (s) => probeStates.push(s.status));
  probe.start();
  await waitFor(() => probeStates.filter((s) => s === 'unavailable').length >= 1 && probe.state.status === 'unavailable', { what: 'a second monitor to see the daemon down' });
  probe.dispose();
  assert.equal(seen.length, count, `the disposed monitor reported ${seen.slice(count).join(', ')}`);
  monitor.probeNow();
  monitor.start();
  assert.equal(seen.length, count, 'probeNow and start do nothing once disposed');
});
