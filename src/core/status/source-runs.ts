import type { ThrottleClock } from '../engine/throttle.ts';

/** What the status watcher reads, each on its own timer and in its own queue. */
export type Source = 'container' | 'agent' | 'instance' | 'certificate';

/**
 * The status watcher's timers and queues: one timer per source, and one read at a time per source, so
 * two reads of the same source never race, and requests that pile up while one runs share the next read.
 * After dispose() nothing more runs and no timer is left.
 */
export class SourceRuns {
  #clock: ThrottleClock;
  #afterEach: () => void;
  #timers = new Map<Source, unknown>();
  #chains = new Map<Source, Promise<void>>();
  #queued = new Map<Source, Promise<void>>();
  #disposed = false;

  /** `afterEach` runs after every read, failed or not (the watcher emits what changed). */
  constructor(clock: ThrottleClock, afterEach: () => void) {
    this.#clock = clock;
    this.#afterEach = afterEach;
  }

  setTimer(name: Source, ms: number, fn: () => void): void {
    this.clearTimer(name);
    const handle = this.#clock.setTimeout(() => {
      this.#timers.delete(name);
      fn();
    }, ms);
    // The watcher alone must not keep a CLI process alive.
    (handle as NodeJS.Timeout | undefined)?.unref?.();
    this.#timers.set(name, handle);
  }

  clearTimer(name: Source): void {
    const t = this.#timers.get(name);
    if (t !== undefined) this.#clock.clearTimeout(t);
    this.#timers.delete(name);
  }

  /** Runs one source at a time; a request made while one is already waiting to run joins it. */
  run(name: Source, fn: () => Promise<void>): Promise<void> {
    const waiting = this.#queued.get(name);
    if (waiting) return waiting;
    const prev = this.#chains.get(name) ?? Promise.resolve();
    const next = prev.then(async () => {
      this.#queued.delete(name);
      if (this.#disposed) return;
      try {
        await fn();
      } catch {
        // a source that fails leaves its last value; the next change or tick tries again
      }
      this.#afterEach();
    });
    this.#queued.set(name, next);
    this.#chains.set(name, next);
    return next;
  }

  dispose(): void {
    this.#disposed = true;
    for (const t of this.#timers.values()) this.#clock.clearTimeout(t);
    this.#timers.clear();
  }
}
