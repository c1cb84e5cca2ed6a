import { CHECK_EVERY_MS, CHECK_SOON_MS, jittered } from './backoff.ts';
import type { ComponentFacts, ComponentId, ComponentSnapshot } from './component-snapshot.ts';
import { initialState, transition, type ComponentEffect, type ComponentEvent, type ComponentState } from './component-state.ts';

/** What the supervisor needs of one component: its facts, a health check and (when it is ours) a restart. */
export interface SupervisedComponent {
  id: ComponentId;
  owner: ComponentSnapshot['owner'];
  facts(): ComponentFacts;
  /** Resolves undefined when healthy, else why not. Never throws. */
  check(): Promise<string | undefined>;
  /**
   * Starts it again on the same port and data; `requested`: the user asked, so a healthy one is stopped
   * first too. Absent when it is not this supervisor's to restart.
   */
  restart?: (how: { requested: boolean }) => Promise<void>;
}

export interface SupervisorOptions {
  /** The slow health-check pace (default 20 s, jittered). */
  everyMs?: number;
  missesBeforeRestart?: number;
  now?: () => number;
  log?: (line: string) => void;
  /** The state changed (a toast or a fresh status in the app). */
  onChange?: (snapshot: ComponentSnapshot) => void;
}

/**
 * Runs one component's state machine: a health check on demand and, for a component it can restart, on a
 * slow jittered timer too; restarts
 * with backoff when it fails, and one check or restart at a time. Timers are unref'd: a supervisor
 * never keeps a process alive.
 */
export class ComponentSupervisor {
  #state: ComponentState;
  #checkedAt: number | undefined;
  #timer: NodeJS.Timeout | undefined;
  #busy: Promise<unknown> = Promise.resolve();
  readonly #now: () => number;

  constructor(
    readonly component: SupervisedComponent,
    private readonly opts: SupervisorOptions = {},
  ) {
    this.#now = opts.now ?? Date.now;
    this.#state = initialState(this.#now());
  }

  get state(): ComponentState {
    return this.#state;
  }

  /** Starts watching: the first check runs at once, so the snapshot says "running" rather than "starting". */
  start(): void {
    void this.checkNow();
  }

  snapshot(): ComponentSnapshot {
    const s = this.#state;
    return {
      id: this.component.id,
      phase: s.phase,
      ...(s.reason !== undefined && s.phase !== 'running' ? { reason: s.reason } : {}),
      restartable: this.component.restart !== undefined,
      owner: this.component.owner,
      restarts: s.attempts,
      since: new Date(s.since).toISOString(),
      ...(this.#checkedAt !== undefined ? { checkedAt: new Date(this.#checkedAt).toISOString() } : {}),
      ...this.component.facts(),
    };
  }

  /** A health check now (after any check or restart under way); resolves the snapshot it led to. */
  checkNow(): Promise<ComponentSnapshot> {
    return this.#serial(async () => {
      if (this.#state.phase === 'stopped') return;
      const problem = await this.component.check();
      this.#checkedAt = this.#now();
      this.#dispatch(problem === undefined ? { type: 'check-ok', now: this.#now() } : { type: 'check-failed', now: this.#now(), reason: problem });
    });
  }

  /** The user's Restart: refused (with why) when the component is not this supervisor's to restart. */
  restart(reason = 'restart requested'): Promise<ComponentSnapshot> {
    if (!this.component.restart) return Promise.reject(new Error(`${this.component.id} is not run by this app, so it cannot restart it from here`));
    return this.#serial(async () => {
      this.#dispatch({ type: 'restart-requested', now: this.#now(), reason }, { immediate: true });
      await this.#runRestart(true);
    });
  }

  /** Stops the timer and waits for a check or restart under way; the component itself is the caller's to stop. */
  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#serial(async () => this.#dispatch({ type: 'stopped', now: this.#now() })).catch(() => undefined);
  }

  #serial(job: () => Promise<void>): Promise<ComponentSnapshot> {
    const run = this.#busy.then(job, job);
    this.#busy = run.catch(() => undefined);
    return run.then(() => this.snapshot());
  }

  #dispatch(event: ComponentEvent, opts: { immediate?: boolean } = {}): void {
    const before = this.#state;
    const { state, effect } = transition(before, event, { restartable: this.component.restart !== undefined, missesBeforeRestart: this.opts.missesBeforeRestart ?? 2 });
    this.#state = state;
    if (state.phase !== before.phase || state.reason !== before.reason) {
      this.opts.log?.(`${this.component.id}: ${before.phase} → ${state.phase}${state.reason && state.phase !== 'running' ? ` (${state.reason})` : ''}`);
      this.opts.onChange?.(this.snapshot());
    }
    if (!opts.immediate) this.#schedule(effect);
  }

  #schedule(effect: ComponentEffect): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#state.phase === 'stopped') return;
    const arm = (ms: number, job: () => void) => {
      this.#timer = setTimeout(job, ms);
      this.#timer.unref();
    };
    if (effect.kind === 'restart') {
      arm(effect.afterMs, () => void this.#serial(() => this.#runRestart()));
    } else if (this.component.restart !== undefined) {
      // Only a component this supervisor can restart is checked on a timer: the checks exist to act.
      // One it only reports on is looked at when somebody asks (the Components view), at no idle cost.
      arm(effect.kind === 'check-soon' ? CHECK_SOON_MS : jittered(this.opts.everyMs ?? CHECK_EVERY_MS), () => void this.checkNow());
    }
  }

  async #runRestart(requested = false): Promise<void> {
    const restart = this.component.restart;
    if (!restart || this.#state.phase === 'stopped') return;
    try {
      await restart({ requested });
      this.#dispatch({ type: 'restarted', now: this.#now() });
    } catch (err) {
      this.#dispatch({ type: 'restart-failed', now: this.#now(), reason: err instanceof Error ? err.message : String(err) });
    }
  }
}
