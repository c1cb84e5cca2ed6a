import { EventEmitter } from 'node:events';
import type Docker from 'dockerode';
import { Backoff, type BackoffOptions } from './backoff.ts';
import { createDockerClient, pingEngine, DEFAULT_PING_TIMEOUT_MS } from './client.ts';
import { JsonLineSplitter, parseDockerEvent } from './events.ts';
import type { EngineEndpoint, EngineEvent, EngineState } from './types.ts';

export interface EngineMonitorOptions {
  endpoint: EngineEndpoint;
  /** Why this endpoint was chosen (from discovery), carried in the ready state. */
  reason: string;
  docker?: Docker;
  pingTimeoutMs?: number;
  /** While ready, how often to ping anyway, to notice a daemon that hangs with the event stream open. */
  healthIntervalMs?: number;
  backoff?: BackoffOptions;
  /**
   * Docker's own event filters (`{type: ['container'], label: ['k=v'], event: ['start']}`): the daemon
   * then sends only what the watcher acts on, instead of every event of every container on the machine.
   */
  eventFilters?: Record<string, string[]>;
}

export interface MonitorEvents {
  state: [EngineState];
  event: [EngineEvent];
  /**
   * A new events stream is open (after the first ping, and after each reconnect). Events between two
   * streams are lost, so a listener re-reads what it derives from them once, here, and then trusts events.
   */
  subscribed: [];
}

const filterKey = (f: Record<string, string[]> | undefined): string =>
  f === undefined ? '' : JSON.stringify(Object.keys(f).sort().map((k) => [k, [...f[k]!].sort()]));
const sameFilters = (a: Record<string, string[]> | undefined, b: Record<string, string[]> | undefined): boolean => filterKey(a) === filterKey(b);

/**
 * Watches one Docker endpoint: a ping, then the /events stream. When the daemon goes away it reports
 * `unavailable` and retries with capped, jittered exponential backoff. It never throws: every failure
 * becomes state. `dispose()` releases every timer and stream.
 */
export class EngineMonitor extends EventEmitter<MonitorEvents> {
  private readonly docker: Docker;
  private readonly backoff: Backoff;
  private current: EngineState;
  private timer: NodeJS.Timeout | undefined;
  private pingAbort: AbortController | undefined;
  private eventsAbort: AbortController | undefined;
  private events: NodeJS.ReadableStream | undefined;
  /** The filters the open stream was asked with. */
  private eventsFilters: Record<string, string[]> | undefined;
  private eventFilters: Record<string, string[]> | undefined;
  private probing = false;
  private probeAgain = false;
  private started = false;
  private disposed = false;

  constructor(private readonly opts: EngineMonitorOptions) {
    super();
    this.docker = opts.docker ?? createDockerClient(opts.endpoint);
    this.backoff = new Backoff(opts.backoff);
    this.eventFilters = opts.eventFilters;
    this.current = { status: 'unavailable', endpoint: opts.endpoint.url, reason: 'Docker has not been checked yet', since: new Date() };
  }

  get state(): EngineState {
    return this.current;
  }

  start(): void {
    if (this.started || this.disposed) return;
    this.started = true;
    void this.probe();
  }

  /** Probe at once and restart the backoff, e.g. on resume from sleep or when the user asks. */
  probeNow(): void {
    if (this.disposed) return;
    this.started = true;
    this.backoff.reset();
    if (this.probing) this.probeAgain = true;
    else void this.probe();
  }

  /**
   * Narrows (or widens) what Docker sends from now on. An open stream is replaced by one with the new
   * filters, and 'subscribed' is sent again: events between the two streams are lost.
   */
  setEventFilters(filters: Record<string, string[]> | undefined): void {
    if (sameFilters(this.eventFilters, filters)) return;
    this.eventFilters = filters;
    // The probe (re)opens the stream when the open one was asked with other filters.
    if (!this.disposed && (this.events || this.probing)) this.probeNow();
  }

  dispose(): void {
    this.disposed = true;
    this.clearTimer();
    this.pingAbort?.abort();
    this.closeEvents();
  }

  /** `health`: the periodic check while ready, a bare ping; anything else (or a failed ping) probes fully. */
  private async probe(health = false): Promise<void> {
    if (this.disposed || this.probing) return;
    this.probing = true;
    this.clearTimer();
    try {
      this.pingAbort = new AbortController();
      const timeoutMs = this.opts.pingTimeoutMs ?? DEFAULT_PING_TIMEOUT_MS;
      if (health && this.current.status === 'ready' && this.events && (await this.pingOnly(timeoutMs, this.pingAbort.signal))) {
        this.schedule(this.opts.healthIntervalMs ?? 15_000, true);
        return;
      }
      if (this.disposed) return;
      const engine = await pingEngine(this.docker, this.opts.endpoint, { timeoutMs, signal: this.pingAbort.signal });
      if (this.disposed) return;
      const opened = await this.openEvents();
      if (this.disposed) return;
      this.backoff.reset();
      this.setState({ status: 'ready', endpoint: this.opts.endpoint.url, reason: this.opts.reason, engine, since: new Date() });
      if (opened) this.safeEmit('subscribed');
      this.schedule(this.opts.healthIntervalMs ?? 15_000, true);
    } catch (err) {
      if (this.disposed) return;
      this.closeEvents();
      const reason = err instanceof Error ? err.message : String(err);
      this.setState({ status: 'unavailable', endpoint: this.opts.endpoint.url, reason, since: new Date() });
      this.schedule(this.backoff.next());
    } finally {
      this.probing = false;
      this.pingAbort = undefined;
      if (this.probeAgain && !this.disposed) {
        this.probeAgain = false;
        void this.probe();
      }
    }
  }

  /** The daemon answers /_ping: all a health check needs while the events stream is open (version is known). */
  private async pingOnly(timeoutMs: number, signal: AbortSignal): Promise<boolean> {
    try {
      await (this.docker.ping as unknown as (o: object) => Promise<unknown>).call(this.docker, { abortSignal: AbortSignal.any([AbortSignal.timeout(timeoutMs), signal]) });
      return true;
    } catch {
      return false;
    }
  }

  /** Opens the events stream unless one with the current filters is open; true when a new one was opened. */
  private async openEvents(): Promise<boolean> {
    if (this.events && this.eventsFilters === this.eventFilters) return false;
    this.closeEvents();
    const abort = new AbortController();
    this.eventsAbort = abort;
    const filters = this.eventFilters;
    const stream = await this.docker.getEvents({ abortSignal: abort.signal, ...(filters ? { filters } : {}) } as Docker.GetEventsOptions);
    if (this.disposed || abort.signal.aborted) {
      (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      return false;
    }
    this.events = stream;
    this.eventsFilters = filters;
    const splitter = new JsonLineSplitter();
    stream.on('data', (chunk: Buffer) => {
      if (this.events !== stream) return;
      for (const raw of splitter.push(chunk)) {
        const event = parseDockerEvent(raw);
        if (event) this.safeEmit('event', event);
      }
    });
    const lost = (): void => {
      if (this.events !== stream || this.disposed) return;
      // The daemon closed the stream (stopped or restarted): find out which at once.
      this.events = undefined;
      this.eventsAbort = undefined;
      this.probeNow();
    };
    stream.on('end', lost);
    stream.on('close', lost);
    stream.on('error', lost);
    return true;
  }

  private closeEvents(): void {
    const stream = this.events;
    this.events = undefined;
    this.eventsAbort?.abort();
    this.eventsAbort = undefined;
    (stream as (NodeJS.ReadableStream & { destroy?: () => void }) | undefined)?.destroy?.();
  }

  private setState(next: EngineState): void {
    const prev = this.current;
    const same =
      prev.status === next.status &&
      prev.reason === next.reason &&
      (prev.status !== 'ready' || next.status !== 'ready' || prev.engine.version === next.engine.version);
    if (same) return;
    this.current = next;
    this.safeEmit('state', next);
  }

  /** A listener that throws must not break the loop; it is reported as a process warning instead. */
  private safeEmit<K extends keyof MonitorEvents>(name: K, ...args: MonitorEvents[K]): void {
    try {
      (this.emit as (n: K, ...a: MonitorEvents[K]) => boolean)(name, ...args);
    } catch (err) {
      process.emitWarning(`An engine monitor '${name}' listener threw: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private schedule(ms: number, health = false): void {
    this.clearTimer();
    if (this.disposed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.probe(health);
    }, ms);
    // The monitor alone must not keep a CLI process alive.
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
