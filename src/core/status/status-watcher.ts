import { EventEmitter } from 'node:events';
import type { GatewayInstance } from '../cloud/types.ts';
import { DEFAULT_INSTANCE_NAME } from '../credentials/instance-id.ts';
import type { EngineMonitor } from '../engine/monitor.ts';
import { realClock, type ThrottleClock } from '../engine/throttle.ts';
import type { EngineEvent, EngineState } from '../engine/types.ts';
import { readInstanceId } from '../gateway/instance-lookup.ts';
import { readAgentStatus } from './agent-status-source.ts';
import { readCertificateFacts } from './certificate-source.ts';
import { containerFacts, findInstanceContainer } from './container-source.ts';
import { deriveStatus } from './derive-status.ts';
import type { GatewayStatus } from './gateway-status.ts';
import { InstancePoller } from './instance-source.ts';
import { nothingObserved, statusInputsOf, type Observed } from './observed-sources.ts';
import { agentWanted, heartbeatMs, instanceIntervalMs, instanceWanted, type ReadPlanState } from './read-plan.ts';
import { SourceRuns } from './source-runs.ts';
import type { StatusInputs } from './status-inputs.ts';
import type { StatusWatcherOptions } from './status-watcher-options.ts';
import { changesWatchedContainer, ENGINE_HEALTH_MS, watchedEventFilters } from './watched-events.ts';

// Part of the watcher's public face, each kept with its concern.
export type { StatusWatcherOptions } from './status-watcher-options.ts';
export { WATCHED_EVENTS } from './watched-events.ts';

const snapshotKey = (s: GatewayStatus): string => JSON.stringify({ ...s, at: 0 });

/**
 * One GatewayStatus, emitted on every change (not on every poll), from engine events, the container,
 * the agent's status file (read through Docker), the control plane's instance record and the
 * certificate. A long-lived loop: it never throws, backs off a failing control plane, releases every
 * timer and stream on dispose(), and probeNow() re-checks everything at once.
 *
 * What it costs is set by who looks (look()). The container is read only when Docker's events say it
 * changed (and once per events stream, as events between two streams are lost). The instance record is
 * polled while the gateway runs: often while somebody looks, at the heartbeat interval while nobody does,
 * which is enough for the tray to see it turn Lost. The agent's status file is read at most once per
 * heartbeat interval, and while nobody looks only when the control plane's record cannot tell the state
 * (no record, unreachable, Lost): a healthy gateway nobody looks at costs no read at all.
 */
export class StatusWatcher extends EventEmitter<{ status: [GatewayStatus]; instance: [GatewayInstance] }> {
  #o: StatusWatcherOptions;
  #clock: ThrottleClock;
  #monitor: EngineMonitor;
  #poller: InstancePoller;
  #seen: Observed = nothingObserved();
  #runs: SourceRuns;
  #instanceFailures = 0;
  #agentReadAt: number | undefined;
  #instancePolledAt: number | undefined;
  #lookers = 0;
  #current: GatewayStatus | undefined;
  #launching: string | undefined;
  #hostProblem: string | undefined;
  #started = false;
  #disposed = false;
  #engineKnown = false;
  #engineKnownSignal: Promise<void>;
  #markEngineKnown: () => void = () => undefined;

  constructor(options: StatusWatcherOptions) {
    super();
    this.#o = options;
    this.#clock = options.clock ?? realClock;
    this.#hostProblem = options.hostProblem;
    this.#runs = new SourceRuns(this.#clock, () => this.#emit());
    this.#poller = new InstancePoller(options.client, options.clusterId, options.controlPlaneProblem);
    this.#engineKnownSignal = new Promise((resolve) => (this.#markEngineKnown = resolve));
    this.#monitor = options.engine.createMonitor({ eventFilters: watchedEventFilters(options.profile, this.#instanceId()), healthIntervalMs: ENGINE_HEALTH_MS });
    this.#monitor.on('state', (s) => this.#onEngineState(s));
    this.#monitor.on('subscribed', () => void this.#refreshContainer());
    this.#monitor.on('event', (e) => this.#onEngineEvent(e));
  }

  get current(): GatewayStatus | undefined {
    return this.#current;
  }

  /** Somebody looks (a window, a page, `status --watch`): the status is followed closely until released. */
  look(): () => void {
    this.#lookers += 1;
    this.#reschedule();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#lookers -= 1;
      this.#reschedule();
    };
  }

  get watched(): boolean {
    return this.#lookers > 0;
  }

  start(): void {
    if (this.#started || this.#disposed) return;
    this.#started = true;
    this.#monitor.start();
    void this.#refreshCertificate();
  }

  /** Re-checks everything at once (resume from sleep, after a launch, stop or renewal). */
  async probeNow(): Promise<GatewayStatus | undefined> {
    if (this.#disposed) return this.#current;
    this.#monitor.probeNow();
    await this.#refreshAll();
    return this.#current;
  }

  /**
   * Starts if needed and resolves once every source has answered once (or Docker is known to be down),
   * for a one-shot `status`. Bounded: after `timeoutMs` it resolves with what is known.
   */
  async settled(timeoutMs = 8000): Promise<GatewayStatus | undefined> {
    this.start();
    let timer: unknown;
    const timeout = new Promise<void>((resolve) => (timer = this.#clock.setTimeout(resolve, timeoutMs)));
    (timer as NodeJS.Timeout | undefined)?.unref?.();
    const work = (async () => {
      await this.#engineKnownSignal;
      if (this.#seen.engine.ready) await this.#refreshAll();
    })();
    await Promise.race([work, timeout]);
    this.#clock.clearTimeout(timer);
    this.#emit();
    return this.#current;
  }

  /** Shown while a launch runs, so the tray says "starting" with the current stage. */
  setLaunching(stage: string | undefined): void {
    this.#launching = stage;
    this.#emit();
  }

  /** The hosted control plane failed to start (a message) or runs again (undefined). */
  setHostProblem(problem: string | undefined): void {
    this.#hostProblem = problem;
    this.#emit();
  }

  dispose(): void {
    this.#disposed = true;
    this.#runs.dispose();
    this.#monitor.dispose();
    this.removeAllListeners();
  }

  #now(): number {
    return this.#o.now?.() ?? this.#clock.now();
  }

  #instanceId(): string | undefined {
    this.#seen.instanceId ??= readInstanceId(this.#o.home, this.#o.profile, this.#o.instanceName ?? DEFAULT_INSTANCE_NAME);
    return this.#seen.instanceId;
  }

  #inputs(): StatusInputs {
    const o = this.#o;
    return statusInputsOf(this.#seen, { profile: o.profile, ports: o.ports, launching: this.#launching, registerGraceMs: o.registerGraceMs, hostProblem: this.#hostProblem }, this.#now());
  }

  #running(): boolean {
    return this.#seen.engine.ready && this.#seen.container?.state === 'running';
  }

  #plan(): ReadPlanState {
    return {
      engineReady: this.#seen.engine.ready,
      containerRunning: this.#running(),
      containerPaused: this.#seen.engine.ready && this.#seen.container?.state === 'paused',
      lookers: this.#lookers,
      agent: this.#seen.agent,
      instance: this.#seen.instance,
      instanceFailures: this.#instanceFailures,
      instancePolledAt: this.#instancePolledAt,
    };
  }

  #reschedule(): void {
    this.#scheduleInstance();
    this.#scheduleAgent();
  }

  #scheduleAgent(): void {
    this.#runs.clearTimer('agent');
    if (this.#disposed || !this.#started || !agentWanted(this.#plan())) return;
    this.#runs.setTimer('agent', Math.max(0, this.#agentDue() - this.#now()), () => void this.#refreshAgent());
  }

  /** When the agent's status file may be read again: once per heartbeat interval at most. */
  #agentDue(): number {
    return (this.#agentReadAt ?? -Infinity) + (this.#o.pollMs ?? heartbeatMs(this.#seen.agent));
  }

  #scheduleInstance(): void {
    this.#runs.clearTimer('instance');
    if (this.#disposed || !this.#started || !instanceWanted(this.#plan())) return;
    const due = (this.#instancePolledAt ?? -Infinity) + instanceIntervalMs(this.#plan(), this.#o);
    this.#runs.setTimer('instance', Math.max(0, due - this.#now()), () => void this.#refreshInstance());
  }

  #scheduleCertificate(): void {
    if (this.#disposed) return;
    this.#runs.setTimer('certificate', this.#o.certificatePollMs ?? 300_000, () => void this.#refreshCertificate());
  }

  async #refreshAll(): Promise<void> {
    await this.#refreshContainer();
    await Promise.all([this.#refreshInstance(), this.#refreshCertificate(), this.#running() ? this.#refreshAgent() : undefined]);
  }

  #refreshContainer(): Promise<void> {
    return this.#runs.run('container', async () => {
      if (!this.#seen.engine.ready) return;
      const id = this.#instanceId();
      if (!id) {
        this.#seen.container = null;
        this.#seen.agent = null;
        return;
      }
      // Launched since the watcher started: from now on Docker sends this instance's events only.
      this.#monitor.setEventFilters(watchedEventFilters(this.#o.profile, id));
      const prev = this.#seen.container;
      const next = containerFacts(await findInstanceContainer(this.#o.engine, this.#o.profile, id));
      this.#seen.container = next;
      if (next?.state === 'paused' && prev?.id === next.id) {
        // Frozen, not gone: its last heartbeat still dates how long it has been silent.
      } else if (next?.state !== 'running') {
        this.#seen.agent = null;
      } else if (prev?.id !== next.id || prev?.startedAt !== next.startedAt || prev?.state !== 'running') {
        // A new run: its agent writes a new status file and heartbeats at once, so look at both now; a
        // renewal restarts the container, so the certificate too.
        this.#agentReadAt = undefined;
        this.#instancePolledAt = undefined;
        void this.#refreshCertificate();
      }
    }).finally(() => this.#reschedule());
  }

  #refreshAgent(): Promise<void> {
    return this.#runs.run('agent', async () => {
      const c = this.#seen.container;
      if (!this.#running() || !c) return;
      this.#agentReadAt = this.#now();
      this.#seen.agent = await readAgentStatus(this.#o.engine, c.id).catch(() => this.#seen.agent ?? null);
    }).finally(() => this.#scheduleAgent());
  }

  #refreshInstance(): Promise<void> {
    return this.#runs.run('instance', async () => {
      this.#instancePolledAt = this.#now();
      const id = this.#instanceId();
      if (!id) {
        this.#seen.instance = null;
        return;
      }
      const { facts, record, problem } = await this.#poller.poll(id);
      this.#instanceFailures = facts === 'unreachable' ? this.#instanceFailures + 1 : 0;
      this.#seen.instance = facts;
      if (problem) this.#seen.controlPlaneProblem = problem;
      else delete this.#seen.controlPlaneProblem;
      if (record) this.#tell('instance', () => this.emit('instance', record));
      // When the record cannot tell (no record, unreachable, Lost), the agent's file says why: read it
      // before this answer is shown, so the status does not flicker through a guess.
      if (agentWanted(this.#plan()) && this.#agentDue() <= this.#now()) await this.#refreshAgent();
    }).finally(() => this.#reschedule());
  }

  #refreshCertificate(): Promise<void> {
    return this.#runs.run('certificate', async () => {
      const id = this.#instanceId();
      const facts = id ? readCertificateFacts(this.#o.home, this.#o.profile, id, new Date(this.#now())) : null;
      this.#seen.certificate = facts ? { notBefore: facts.notBefore, notAfter: facts.notAfter } : null;
    }).finally(() => this.#scheduleCertificate());
  }

  #onEngineState(state: EngineState): void {
    this.#engineKnown = true;
    this.#markEngineKnown();
    this.#seen.engine = state.status === 'ready' ? { ready: true, endpoint: state.endpoint } : { ready: false, reason: state.reason, endpoint: state.endpoint };
    // Ready: the container is read when the events stream is open ('subscribed'), which follows at once.
    this.#reschedule();
    this.#emit();
  }

  #onEngineEvent(event: EngineEvent): void {
    if (changesWatchedContainer(event, () => this.#instanceId(), this.#seen.container?.id)) void this.#refreshContainer();
  }

  /** A listener that throws must not break the loop; it is reported as a process warning instead. */
  #tell(what: string, send: () => void): void {
    try {
      send();
    } catch (err) {
      process.emitWarning(`A status watcher '${what}' listener threw: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  #emit(): void {
    // Before Docker has answered (or failed to), "engine unavailable" would be a false alarm in the tray.
    if (this.#disposed || !this.#started || !this.#engineKnown) return;
    let next: GatewayStatus;
    try {
      next = deriveStatus(this.#inputs(), this.#o.lostAfterMs !== undefined ? { lostAfterMs: this.#o.lostAfterMs } : {});
    } catch {
      return;
    }
    const changed = !this.#current || snapshotKey(this.#current) !== snapshotKey(next);
    if (!changed) return;
    this.#current = next;
    this.#tell('status', () => this.emit('status', next));
  }
}
