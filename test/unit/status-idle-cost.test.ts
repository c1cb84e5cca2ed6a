/**
 * What watching a healthy gateway costs, counted: a CountingEngineFake stands in for Docker (it counts
 * lists, inspects and status-file reads, and sends `archive-path` for every read as Docker does), a
 * ControlPlaneRecordFake answers the instance record, and a ManualClock drives every timer, so N heartbeat
 * intervals pass in no time. The real engine and control plane are in test/integration/status-*.test.ts;
 * what these fakes give is exact counts over a controlled clock.
 */
import { after, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ControlPlaneClient } from '../../src/core/cloud/client.ts';
import type { GatewayInstance } from '../../src/core/cloud/types.ts';
import { instanceId as makeInstanceId } from '../../src/core/credentials/instance-id.ts';
import type { Engine } from '../../src/core/engine/engine.ts';
import { managedLabels } from '../../src/core/engine/labels.ts';
import { EngineMonitor, type EngineMonitorOptions } from '../../src/core/engine/monitor.ts';
import type { ThrottleClock } from '../../src/core/engine/throttle.ts';
import type { ContainerInfo, ContainerStatus, EngineEvent } from '../../src/core/engine/types.ts';
import type { GatewayStatus } from '../../src/core/status/gateway-status.ts';
import { StatusWatcher } from '../../src/core/status/status-watcher.ts';

const HEARTBEAT_MS = 10_000;
const LOST_AFTER_MS = 30_000;
const N = 12;
const T0 = Date.parse('2026-11-27T10:00:00Z');

/** Timers that fire only when the test advances time; each firing is followed by every promise it set off. */
class ManualClock implements ThrottleClock {
  #now = T0;
  #next = 1;
  #timers = new Map<number, { at: number; fn: () => void }>();

  now(): number {
    return this.#now;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.#next++;
    this.#timers.set(id, { at: this.#now + Math.max(0, ms), fn });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number);
  }
  /** Runs every pending promise chain and every timer already due, without moving the clock. */
  async settle(): Promise<void> {
    await this.#runUntil(this.#now);
  }
  async advance(ms: number): Promise<void> {
    const until = this.#now + ms;
    await this.#runUntil(until);
    this.#now = until;
  }
  async #runUntil(until: number): Promise<void> {
    // The fakes answer at once, so a macrotask turn lets every promise they set off run.
    const drain = async () => {
      for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
    };
    await drain();
    for (;;) {
      const due = [...this.#timers].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.#timers.delete(due[0]);
      this.#now = Math.max(this.#now, due[1].at);
      due[1].fn();
      await drain();
    }
  }
}

/** The engine's monitor without a daemon: ready at start, one events stream, events sent by the test. */
class ScriptedMonitorFake extends EngineMonitor {
  /** The filters Docker would apply now: the first ones, then the last set. */
  filters: Record<string, string[]> | undefined;
  constructor(readonly options: Omit<EngineMonitorOptions, 'endpoint' | 'docker' | 'reason'>) {
    super({ endpoint: { protocol: 'unix', url: 'unix:///counting-engine-fake.sock', socketPath: '/counting-engine-fake.sock' }, reason: 'fake' });
    this.filters = options.eventFilters;
  }
  /** As the real one does: a new stream with the new filters, so 'subscribed' again. */
  override setEventFilters(filters: Record<string, string[]> | undefined): void {
    if (JSON.stringify(filters) === JSON.stringify(this.filters)) return;
    this.filters = filters;
    queueMicrotask(() => this.emit('subscribed'));
  }
  override start(): void {
    queueMicrotask(() => {
      this.emit('state', { status: 'ready', endpoint: 'unix:///counting-engine-fake.sock', reason: 'fake', engine: { version: '20.10', apiVersion: '1.41', os: 'linux', arch: 'amd64' }, since: new Date(T0) });
      this.emit('subscribed');
    });
  }
  override probeNow(): void {}
  override dispose(): void {}
}

/** Docker for the watcher, counted: what it lists, inspects and reads, and the events Docker would send. */
class CountingEngineFake implements Engine {
  readonly endpoint = { protocol: 'unix' as const, url: 'unix:///counting-engine-fake.sock', socketPath: '/counting-engine-fake.sock' };
  counts = { list: 0, inspect: 0, readFile: 0 };
  monitor: ScriptedMonitorFake | undefined;
  state: ContainerStatus = 'running';
  startedAt = T0 - 60_000;

  constructor(
    /** Not readonly: a test launches (writes the id) after the watcher started. */
    public instanceId: string,
    readonly clock: ManualClock,
    readonly containerId = 'c'.repeat(64),
  ) {}

  reset(): void {
    this.counts = { list: 0, inspect: 0, readFile: 0 };
  }
  info(): ContainerInfo {
    return {
      id: this.containerId,
      name: 'gateway',
      image: 'standin',
      status: this.state,
      running: this.state === 'running',
      startedAt: this.startedAt,
      ...(this.state === 'exited' ? { exitCode: 0 } : {}),
      labels: managedLabels(this.instanceId, 'local'),
      instanceId: this.instanceId,
      profile: 'local',
      ports: [],
    };
  }
  /** Sends a container event for our container, as Docker's events stream would. */
  send(action: string): void {
    const event: EngineEvent = { type: 'container', action, containerId: this.containerId, labels: managedLabels(this.instanceId, 'local'), managed: true, instanceId: this.instanceId, profile: 'local', time: new Date(this.clock.now()) };
    this.monitor!.emit('event', event);
  }

  async findManaged(): Promise<ContainerInfo[]> {
    this.counts.list += 1;
    this.counts.inspect += 1; // the real findManaged inspects each container it lists
    return [this.info()];
  }
  async inspectContainer(): Promise<ContainerInfo> {
    this.counts.inspect += 1;
    return this.info();
  }
  async readFile(): Promise<Buffer> {
    this.counts.readFile += 1;
    // Docker reports every archive read as an event of the container.
    queueMicrotask(() => this.send('archive-path'));
    const at = new Date(this.clock.now() - 1000).toISOString();
    return Buffer.from(
      JSON.stringify({ instance_id: this.instanceId, run_id: 'r', registered_at: new Date(T0 - 50_000).toISOString(), last_attempt_at: at, last_success_at: at, consecutive_failures: 0, last_error: null, heartbeat_interval_s: HEARTBEAT_MS / 1000 }),
    );
  }
  createMonitor(opts: Omit<EngineMonitorOptions, 'endpoint' | 'docker' | 'reason'> = {}): EngineMonitor {
    this.monitor = new ScriptedMonitorFake(opts);
    return this.monitor;
  }

  #unused(): never {
    throw new Error('not used by the status watcher');
  }
  ping = async () => this.#unused();
  imageExists = async () => this.#unused();
  pullImage = async () => this.#unused();
  ensureImage = async () => this.#unused();
  createContainer = async () => this.#unused();
  startContainer = async () => this.#unused();
  runContainer = async () => this.#unused();
  stopContainer = async () => this.#unused();
  removeContainer = async () => this.#unused();
  createComponentContainer = async () => this.#unused();
  findComponent = async () => this.#unused();
  streamLogs = async () => this.#unused();
  readLogs = async () => this.#unused();
  copyFilesIn = async () => this.#unused();
  exec = async () => this.#unused();
}

/** The control plane's record of the instance, counted; it heartbeats with the clock unless told it is down. */
class ControlPlaneRecordFake {
  polls = 0;
  down = false;
  /** Heartbeats stopped arriving at this time. */
  silentSince: number | undefined;
  constructor(
    readonly id: string,
    readonly clock: ManualClock,
  ) {}
  client(): ControlPlaneClient {
    return {
      instance: async (): Promise<GatewayInstance> => {
        this.polls += 1;
        if (this.down) throw new Error('connect ECONNREFUSED 127.0.0.1:7080');
        const now = this.clock.now();
        const lastSeen = this.silentSince ?? now - (now % HEARTBEAT_MS);
        // Judged on the control plane's clock, as PROTOCOL §3 says.
        const status = now - lastSeen > LOST_AFTER_MS ? 'Lost Connection' : 'Healthy';
        return { id: this.id, hostname: 'h', ip: '127.0.0.1', domain: 'd', api_calls: 0, version: 'APISIX/3.13.0', etcd_reachable: true, config_version: 0, last_seen_time: new Date(lastSeen).toISOString(), register_time: new Date(T0 - 50_000).toISOString(), status };
      },
    } as unknown as ControlPlaneClient;
  }
}

let home: string;
let clock: ManualClock;
let engine: CountingEngineFake;
let cp: ControlPlaneRecordFake;
let watcher: StatusWatcher;
let seen: GatewayStatus[];

beforeEach(async () => {
  watcher?.dispose();
  if (home) rmSync(home, { recursive: true, force: true });
  home = mkdtempSync(join(tmpdir(), 'gt-idle-'));
  const id = makeInstanceId({ home, profile: 'local' }).id;
  clock = new ManualClock();
  engine = new CountingEngineFake(id, clock);
  cp = new ControlPlaneRecordFake(id, clock);
  watcher = new StatusWatcher({ engine, home, profile: 'local', client: cp.client(), clusterId: 'cluster-1', clock, lostAfterMs: LOST_AFTER_MS });
  seen = [];
  watcher.on('status', (s) => seen.push(s));
  watcher.start();
  await clock.settle();
});
after(() => {
  watcher?.dispose();
  rmSync(home, { recursive: true, force: true });
});

test('Docker is asked only for state changes of our gateway: its instance, not every managed container', () => {
  const filters = engine.monitor!.filters!;
  assert.deepEqual(filters.type, ['container']);
  assert.deepEqual(filters.label, ['io.gateway-tray.managed=true', 'io.gateway-tray.profile=local', `io.gateway-tray.instance-id=${engine.instanceId}`]);
  for (const a of ['start', 'stop', 'die', 'kill']) assert.ok(filters.event!.includes(a), a);
  for (const a of ['archive-path', 'exec_start', 'extract-to-dir']) assert.ok(!filters.event!.includes(a), a);
});

test('started before the first launch: the profile is followed, then only the instance launched', async () => {
  const fresh = mkdtempSync(join(tmpdir(), 'gt-idle-fresh-'));
  const c = new ManualClock();
  const e = new CountingEngineFake('not-launched-yet', c);
  const w = new StatusWatcher({ engine: e, home: fresh, profile: 'local', client: new ControlPlaneRecordFake('not-launched-yet', c).client(), clusterId: 'cluster-1', clock: c, lostAfterMs: LOST_AFTER_MS });
  try {
    w.start();
    await c.settle();
    assert.deepEqual(e.monitor!.filters!.label, ['io.gateway-tray.managed=true', 'io.gateway-tray.profile=local']);
    assert.equal(e.counts.list, 0, 'no instance id: no container to look for');
    // The launch: the id is written to the home, then its container is created.
    e.instanceId = makeInstanceId({ home: fresh, profile: 'local' }).id;
    e.send('create');
    await c.settle();
    assert.deepEqual(e.monitor!.filters!.label, ['io.gateway-tray.managed=true', 'io.gateway-tray.profile=local', `io.gateway-tray.instance-id=${e.instanceId}`]);
    assert.equal(w.current?.containerId, e.containerId);
    // The new stream was read once ('subscribed'), as events between two streams are lost; not more.
    assert.equal(e.counts.list, 2);
  } finally {
    w.dispose();
    rmSync(fresh, { recursive: true, force: true });
  }
});

test('nobody looks and nothing changes: the status file is never read, the container read once, the record only when it could say Lost', async () => {
  assert.equal(watcher.current?.state, 'healthy');
  assert.deepEqual(engine.counts, { list: 1, inspect: 1, readFile: 0 }, 'one list and inspect at start, no status-file read');
  engine.reset();
  cp.polls = 0;
  await clock.advance(N * HEARTBEAT_MS);
  assert.deepEqual(engine.counts, { list: 0, inspect: 0, readFile: 0 });
  // Heartbeats every 10 s and Lost after 30 s of silence: a look every 20–30 s sees each chance of Lost.
  assert.ok(cp.polls <= Math.ceil((N * HEARTBEAT_MS) / 20_000), `${cp.polls} record polls over ${N} heartbeats`);
  assert.ok(cp.polls >= Math.floor((N * HEARTBEAT_MS) / LOST_AFTER_MS), `the record is still followed (${cp.polls} polls)`);
  assert.equal(watcher.current?.state, 'healthy');
});

test('nobody looks and the heartbeats stop: the tray sees Lost soon after the control plane does', async () => {
  const silent = clock.now() - (clock.now() % HEARTBEAT_MS);
  cp.silentSince = silent;
  let lostAt: number | undefined;
  watcher.on('status', (s) => (lostAt ??= s.state === 'lost' ? clock.now() : undefined));
  await clock.advance(2 * LOST_AFTER_MS);
  assert.equal(watcher.current?.state, 'lost');
  assert.equal(watcher.current?.reasons[0]?.code, 'heartbeat-lost');
  assert.ok(lostAt !== undefined && lostAt - (silent + LOST_AFTER_MS) <= HEARTBEAT_MS, `lost shown ${lostAt! - (silent + LOST_AFTER_MS)} ms after the control plane's threshold`);
  assert.ok(engine.counts.readFile >= 1, 'once the record says Lost, the agent is asked why');
});

test('somebody looks: the status file is read at most once per heartbeat, and its own archive-path events trigger nothing', async () => {
  const release = watcher.look();
  await clock.settle();
  assert.equal(engine.counts.readFile, 1, 'read at once when somebody starts looking');
  engine.reset();
  await clock.advance(N * HEARTBEAT_MS);
  assert.ok(engine.counts.readFile <= N, `${engine.counts.readFile} reads over ${N} heartbeats`);
  assert.ok(engine.counts.readFile >= N - 1, `followed while looked at (${engine.counts.readFile} reads)`);
  assert.equal(engine.counts.list, 0, 'an archive-path event is not a state change: no list, no inspect');
  assert.equal(engine.counts.inspect, 0);

  release();
  release(); // twice is harmless
  engine.reset();
  await clock.advance(N * HEARTBEAT_MS);
  assert.equal(engine.counts.readFile, 0, 'nobody looks any more: no reads');
});

test('a container event propagates at once, without waiting for any timer', async () => {
  engine.reset();
  engine.state = 'exited';
  engine.send('die');
  await clock.settle(); // promises only: the clock does not move
  assert.equal(watcher.current?.state, 'stopped');
  assert.equal(watcher.current?.reasons[0]?.code, 'stopped');
  assert.equal(engine.counts.list, 1, 'one list on the event');

  engine.reset();
  cp.polls = 0;
  await clock.advance(N * HEARTBEAT_MS);
  assert.deepEqual(engine.counts, { list: 0, inspect: 0, readFile: 0 }, 'a stopped gateway nobody looks at costs nothing');
  assert.equal(cp.polls, 0);

  engine.state = 'running';
  engine.startedAt = clock.now();
  engine.send('start');
  await clock.settle();
  assert.equal(watcher.current?.state, 'healthy', 'started again: the record is asked at once');
  assert.ok(cp.polls >= 1);
});

test('after the events stream reconnects the container is read once, as events in between are lost', async () => {
  engine.reset();
  engine.state = 'exited';
  engine.monitor!.emit('subscribed');
  await clock.settle();
  assert.equal(engine.counts.list, 1);
  assert.equal(watcher.current?.state, 'stopped');
});

test('an unreachable control plane makes the status file the source: read once per heartbeat while nobody looks', async () => {
  cp.down = true;
  engine.reset();
  await clock.advance(N * HEARTBEAT_MS);
  assert.ok(engine.counts.readFile >= 1, 'the file is read when the record cannot tell');
  assert.ok(engine.counts.readFile <= N, `${engine.counts.readFile} reads over ${N} heartbeats`);
  assert.equal(watcher.current?.state, 'degraded', 'the agent still heartbeats (its file says so): degraded, not lost');
  assert.equal(watcher.current?.reasons[0]?.code, 'control-plane-unanswered');
});
