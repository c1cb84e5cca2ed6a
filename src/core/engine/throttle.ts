/** The clock a throttle uses, injected so tests can drive time by hand. */
export interface ThrottleClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realClock: ThrottleClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface Throttle<T> {
  /** Offer a value: emitted now if the interval has passed, else the latest one is emitted when it has. */
  push(value: T): void;
  /** Emit `final` at once (whatever the interval), dropping anything pending. */
  flush(final: T): void;
  /** Drop anything pending without emitting. */
  cancel(): void;
}

/** At most one emission per `intervalMs`, always the latest value, and the final one never lost. */
export function createThrottle<T>(emit: (value: T) => void, intervalMs: number, clock: ThrottleClock = realClock): Throttle<T> {
  let lastEmit = -Infinity;
  let pending: { value: T } | undefined;
  let timer: unknown;

  const fire = (value: T): void => {
    lastEmit = clock.now();
    emit(value);
  };
  const clear = (): void => {
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
  };

  return {
    push(value) {
      const wait = lastEmit + intervalMs - clock.now();
      if (wait <= 0 && timer === undefined) {
        fire(value);
        return;
      }
      pending = { value };
      if (timer === undefined) {
        timer = clock.setTimeout(() => {
          timer = undefined;
          const next = pending;
          pending = undefined;
          if (next) fire(next.value);
        }, Math.max(0, wait));
      }
    },
    flush(final) {
      clear();
      pending = undefined;
      fire(final);
    },
    cancel() {
      clear();
      pending = undefined;
    },
  };
}
