/** Restart backoff and check pacing for the supervisor; pure, so the numbers are tested as they are. */

export const FIRST_RESTART_DELAY_MS = 1000;
export const MAX_RESTART_DELAY_MS = 60_000;
/** Running this long without a failed check resets the backoff. */
export const STABLE_AFTER_MS = 60_000;
/**
 * The slow health-check pace: the whole core idles under 50 ms CPU a minute (README's idle figures), and
 * one etcd /health over TLS is a handshake, so three a minute at most; a failure is looked at sooner.
 */
export const CHECK_EVERY_MS = 20_000;
export const CHECK_SOON_MS = 1000;

/** 1 s, 2 s, 4 s … doubling with each restart since the last stable minute, capped. */
export function restartDelayMs(attempts: number): number {
  return Math.min(MAX_RESTART_DELAY_MS, FIRST_RESTART_DELAY_MS * 2 ** Math.max(0, attempts));
}

/** `everyMs` ± 25 %, so two homes' (or two components') checks do not fall on the same tick. */
export function jittered(everyMs: number, random: () => number = Math.random): number {
  return Math.round(everyMs * (0.75 + 0.5 * random()));
}
