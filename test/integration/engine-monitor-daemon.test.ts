/**
 * The monitor against a daemon that stops and starts: a private dockerd (test/helpers/private-dockerd.ts),
 * never the system one.
 */
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import Docker from 'dockerode';
import { EngineMonitor } from '../../src/core/engine/monitor.ts';
import { parseHostUrl } from '../../src/core/engine/host-url.ts';
import type { EngineEvent, EngineState } from '../../src/core/engine/types.ts';
import { PrivateDockerd } from '../helpers/private-dockerd.ts';
import { waitFor } from '../helpers/wait-for.ts';

const dockerd = new PrivateDockerd('engine-test');
const socket = dockerd.socket;
const endpoint = parseHostUrl(`unix://${socket}`);

before(async () => {
  await dockerd.start();
  assert.equal(dockerd.pidFile(), dockerd.pid, 'the pid we stop is dockerd itself');
});

after(async () => {
  await dockerd.remove();
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

  await dockerd.stop();
  await waitFor(() => monitor.state.status === 'unavailable', { what: 'the monitor to report unavailable', timeoutMs: 20_000 });
  assert.equal(monitor.state.reason, `Docker is not running at unix://${socket}: start Docker (or Docker Desktop) and try again`);

  dockerd.spawn();
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
  await dockerd.stop();
  await waitFor(() => monitor.state.status === 'unavailable', { what: 'unavailable', timeoutMs: 20_000 });
  await dockerd.start();
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
  await dockerd.stop();
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
