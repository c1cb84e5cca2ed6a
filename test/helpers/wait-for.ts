export interface WaitForOptions {
  /** Give up after this long (default 10 s: generous, for a loaded 2-core machine). */
  timeoutMs?: number;
  /** Pause between attempts (default 100 ms). */
  intervalMs?: number;
  /** What is awaited, for the timeout message: "the gateway to answer on 9080". */
  what: string;
}

/**
 * Bounded polling: calls `fn` until it returns a truthy value and returns that value. An attempt that
 * throws counts as "not yet"; the last error is quoted in the timeout message, so a test that times out
 * says what it was waiting for and what went wrong.
 */
export async function waitFor<T>(fn: () => T | Promise<T>, opts: WaitForOptions): Promise<NonNullable<T>> {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const intervalMs = opts.intervalMs ?? 100;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  let attempts = 0;
  for (;;) {
    attempts += 1;
    try {
      const value = await fn();
      if (value) return value as NonNullable<T>;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) break;
    await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, Math.max(0, deadline - Date.now()))));
  }
  const last = lastError === undefined ? '' : `; last error: ${lastError instanceof Error ? lastError.message : String(lastError)}`;
  throw new Error(`Timed out after ${timeoutMs} ms (${attempts} attempts) waiting for ${opts.what}${last}`);
}
