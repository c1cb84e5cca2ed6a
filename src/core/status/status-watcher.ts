import { EventEmitter } from 'node:events';
import type { ControlPlaneClient } from '../cloud/client.ts';
import { DEFAULT_INSTANCE_NAME } from '../credentials/instance-id.ts';
import { needsRenewal } from '../credentials/x509-inspect.ts';
import type { Engine } from '../engine/engine.ts';
import type { EngineMonitor } from '../engine/monitor.ts';
import type { EngineEvent, EngineState } from '../engine/types.ts';
import { readInstanceId } from '../gateway/instance-lookup.ts';
import { readAgentStatus } from './agent-status-source.ts';
import { readCertificateFacts } from './certificate-source.ts';
import { containerFacts, findInstanceContainer } from './container-source.ts';
import { deriveStatus } from './derive-status.ts';
import type { GatewayStatus } from './gateway-status.ts';
import { InstancePoller } from './instance-source.ts';
import type { AgentStatusFile, CertificateFacts, ContainerFacts, InstanceFacts, StatusInputs } from './status-inputs.ts';

export interface StatusWatcherOptions {
  engine: Engine;
  home: string;
  profile: string;
  instanceName?: string;
  /** The profile's control plane; without one the instance record counts as unreachable. */
  client?: ControlPlaneClient;
  clusterId?: string;
  ports?: Record<string, number>;
  /** Container and agent status file (default 2 s; engine events make container changes instant). */
  pollMs?: number;
  /** The control plane's instance record, at a modest rate (default 5 s). */
  instancePollMs?: number;
  /** The certificate on disk (default 30 s; renewals call probeNow). */
  certificatePollMs?: number;
  lostAfterMs?: number;
  registerGraceMs?: number;
  now?: () => number;
}

interface Observed {
  engine: { ready: boolean; reason?: string; endpoint?: string };
  instanceId?: string;
  container: ContainerFacts | null | undefined;
  agent: AgentStatusFile | null | undefined;
  instance: InstanceFacts | null | 'unreachable' | undefined;
  certificate: Omit<CertificateFacts, 'needsRenewal'> | null | undefined;
}

const snapshotKey = (s: GatewayStatus): string => JSON.stringify({ ...s, at: 0 });

/**
 * One GatewayStatus, emitted on every change (not on every poll), from engine events, the container,
 * the agent's status file (read through Docker), the control plane's instance record and the
 * certificate. A long-lived loop: it never throws, backs off a failing control plane, releases every
 * timer and stream on dispose(), and probeNow() re-checks everything at once.
 */
export class StatusWatcher extends EventEmitter<{ status: [GatewayStatus] }> {
  #o: StatusWatcherOptions;
  #monitor: EngineMonitor;
  #poller: InstancePoller;
  #seen: Observed = { engine: { ready: false }, container: undefined, agent: undefined, instance: undefined, certificate: undefined };
  #timers = new Map<string, NodeJS.Timeout>();
  #chains = new Map<string, Promise<void>>();
  #instanceFailures = 0;
  #current: GatewayStatus | undefined;
  #launching: string | undefined;
  #started = false;
  #disposed = false;
  #engineKnown = false;

  constructor(options: StatusWatcherOptions) {
    super();
    this.#o = options;
    this.#poller = new InstancePoller(options.client, options.clusterId);
    this.#monitor = options.engine.createMonitor();
    this.#monitor.on('state', (s) => this.#onEngineState(s));
    this.#monitor.on('event', (e) => this.#onEngineEvent(e));
  }

  get current(): GatewayStatus | undefined {
    return this.#current;
  }

  start(): void {
    if (this.#started || this.#disposed) return;
    this.#started = true;
    this.#monitor.start();
    this.#loop('container', this.#o.pollMs ?? 2000, () => this.#refreshContainer());
    this.#loop('instance', this.#o.instancePollMs ?? 5000, () => this.#refreshInstance());
    this.#loop('certificate', this.#o.certificatePollMs ?? 30_000, () => this.#refreshCertificate());
  }

  /** Re-checks everything at once (resume from sleep, after a launch, stop or renewal). */
  async probeNow(): Promise<GatewayStatus | undefined> {
    if (this.#disposed) return this.#current;
    this.#monitor.probeNow();
    await Promise.all([this.#refreshContainer(), this.#refreshInstance(), this.#refreshCertificate()]);
    return this.#current;
  }

  /**
   * Starts if needed and resolves once every source has answered once (or Docker is known to be down),
   * for a one-shot `status`. Bounded: after `timeoutMs` it resolves with what is known.
   */
  async settled(timeoutMs = 8000): Promise<GatewayStatus | undefined> {
    this.start();
    const deadline = Date.now() + timeoutMs;
    const done = (): boolean => {
      const s = this.#seen;
      if (!this.#engineKnown) return false;
      if (!s.engine.ready) return true;
      return s.container !== undefined && s.instance !== undefined && s.certificate !== undefined && (s.container === null || s.container.state !== 'running' || s.agent !== undefined);
    };
    while (!this.#disposed && !done() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    this.#emit();
    return this.#current;
  }

  /** Shown while a launch runs, so the tray says "starting" with the current stage. */
  setLaunching(stage: string | undefined): void {
    this.#launching = stage;
    this.#emit();
  }

  dispose(): void {
    this.#disposed = true;
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
    this.#monitor.dispose();
    this.removeAllListeners();
  }

  #now(): number {
    return this.#o.now?.() ?? Date.now();
  }

  #instanceId(): string | undefined {
    this.#seen.instanceId ??= readInstanceId(this.#o.home, this.#o.profile, this.#o.instanceName ?? DEFAULT_INSTANCE_NAME);
    return this.#seen.instanceId;
  }

  /** Runs `fn` now and then every `intervalMs`; each source runs one at a time. */
  #loop(name: string, intervalMs: number, fn: () => Promise<void>): void {
    const tick = async (): Promise<void> => {
      await fn();
      if (this.#disposed) return;
      const factor = name === 'instance' ? Math.min(6, 2 ** Math.max(0, this.#instanceFailures - 2)) : 1;
      const timer = setTimeout(() => void tick(), intervalMs * factor);
      timer.unref();
      this.#timers.set(name, timer);
    };
    void tick();
  }

  #serial(name: string, fn: () => Promise<void>): Promise<void> {
    const prev = this.#chains.get(name) ?? Promise.resolve();
    const next = prev.then(async () => {
      if (this.#disposed) return;
      try {
        await fn();
      } catch {
        // a source that fails leaves its last value; the next tick tries again
      }
      this.#emit();
    });
    this.#chains.set(name, next);
    return next;
  }

  #refreshContainer(): Promise<void> {
    return this.#serial('container', async () => {
      if (!this.#seen.engine.ready) return;
      const id = this.#instanceId();
      if (!id) {
        this.#seen.container = null;
        this.#seen.agent = null;
        return;
      }
      const info = await findInstanceContainer(this.#o.engine, this.#o.profile, id);
      this.#seen.container = containerFacts(info);
      if (info?.running) this.#seen.agent = await readAgentStatus(this.#o.engine, info.id).catch(() => this.#seen.agent ?? null);
      else this.#seen.agent = null;
    });
  }

  #refreshInstance(): Promise<void> {
    return this.#serial('instance', async () => {
      const id = this.#instanceId();
      if (!id) {
        this.#seen.instance = null;
        return;
      }
      const result = await this.#poller.poll(id);
      this.#instanceFailures = result === 'unreachable' ? this.#instanceFailures + 1 : 0;
      this.#seen.instance = result;
    });
  }

  #refreshCertificate(): Promise<void> {
    return this.#serial('certificate', async () => {
      const id = this.#instanceId();
      const facts = id ? readCertificateFacts(this.#o.home, this.#o.profile, id, new Date(this.#now())) : null;
      this.#seen.certificate = facts ? { notBefore: facts.notBefore, notAfter: facts.notAfter } : null;
    });
  }

  #onEngineState(state: EngineState): void {
    this.#engineKnown = true;
    this.#seen.engine = state.status === 'ready' ? { ready: true, endpoint: state.endpoint } : { ready: false, reason: state.reason, endpoint: state.endpoint };
    if (state.status === 'ready') void this.#refreshContainer();
    else this.#emit();
  }

  #onEngineEvent(event: EngineEvent): void {
    if (event.type !== 'container' || !('managed' in event) || !event.managed) return;
    const id = this.#instanceId();
    const ours = (id !== undefined && event.instanceId === id) || event.containerId === this.#seen.container?.id;
    if (!ours) return;
    void this.#refreshContainer();
  }

  #inputs(): StatusInputs {
    const now = this.#now();
    const s = this.#seen;
    const cert = s.certificate;
    return {
      now,
      profile: this.#o.profile,
      engine: s.engine,
      container: s.container,
      agent: s.agent,
      instance: s.instance,
      certificate: cert ? { ...cert, needsRenewal: needsRenewal({ notBefore: new Date(cert.notBefore), notAfter: new Date(cert.notAfter) }, new Date(now)) } : cert,
      ...(s.instanceId ? { instanceId: s.instanceId } : {}),
      ...(this.#o.ports ? { ports: this.#o.ports } : {}),
      ...(this.#launching ? { launching: { stage: this.#launching } } : {}),
      ...(this.#o.registerGraceMs !== undefined ? { registerGraceMs: this.#o.registerGraceMs } : {}),
    };
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
    try {
      this.emit('status', next);
    } catch (err) {
      process.emitWarning(`A status listener threw: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
