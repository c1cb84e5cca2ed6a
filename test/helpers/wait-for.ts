export interface WaitForOptions {
  /** Give up after this long (default 10 s: generous, for a loaded 2-core machine). */
  timeoutMs?: number;
  /** Pause between attempts (default 100 ms). */
  intervalMs?: number;
  /** What is awaited, for the timeout message: "the gateway to answer on 9080". */
  what: string;
}

const PENDING = Symbol('pending');

/** `attempt`'s result, or PENDING if it has not settled by `deadline`. */
async function byDeadline<T>(attempt: Promise<T>, deadline: number): Promise<T | typeof PENDING> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<typeof PENDING>((resolve) => {
    timer = setTimeout(() => resolve(PENDING), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([attempt, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Bounded polling: calls `fn` until it returns a truthy value and returns that value. An attempt that
 * throws counts as "not yet"; the last error is quoted in the timeout message, so a test that times out
 * says what it was waiting for and what went wrong. An attempt that is still running at the deadline
 * ends the wait too, saying so: a call that hangs fails the wait instead of the whole test's timeout,
 * which names nothing.
 */
export async function waitFor<T>(fn: () => T | Promise<T>, opts: WaitForOptions): Promise<NonNullable<T>> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const intervalMs = opts.intervalMs ?? 100;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  let attempts = 0;
  for (;;) {
    attempts += 1;
    const started = Date.now();
    const outcome = await byDeadline(
      Promise.resolve()
        .then(fn)
        .then((value) => ({ value }), (error: unknown) => ({ error })),
      deadline,
    );
    if (outcome === PENDING) {
      throw new Error(`Timed out after ${timeoutMs} ms (${attempts} attempts) waiting for ${opts.what}; the last attempt had not answered after ${Date.now() - started} ms`);
    }
    if ('error' in outcome) lastError = outcome.error;
    else if (outcome.value) return outcome.value as NonNullable<T>;
    else lastError = undefined;
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, Math.max(0, deadline - Date.now()))));
  }
  const last = lastError === undefined ? '' : `; last error: ${lastError instanceof Error ? lastError.message : String(lastError)}`;
  throw new Error(`Timed out after ${timeoutMs} ms (${attempts} attempts) waiting for ${opts.what}${last}`);
}
