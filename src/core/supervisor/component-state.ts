/**
 * The supervisor's state machine for one component (etcd, the control plane), as one pure function so
 * that every transition is in a table test. Effects are returned, not performed: the supervisor runs
 * them (a restart after a delay, a quick re-check), which keeps timers and I/O out of this file.
 */
import { restartDelayMs, STABLE_AFTER_MS } from './backoff.ts';

export type ComponentPhase = 'starting' | 'running' | 'degraded' | 'restarting' | 'failed' | 'stopped';

export interface ComponentState {
  phase: ComponentPhase;
  /** Why it is not running (the last failed check or restart), for the Components view. */
  reason?: string;
  /** Failed health checks in a row. */
  misses: number;
  /** Restarts since it last ran for a stable minute: the backoff's exponent. */
  attempts: number;
  /** When the phase was entered (ms since the epoch). */
  since: number;
}

export type ComponentEvent =
  | { type: 'check-ok'; now: number }
  | { type: 'check-failed'; now: number; reason: string }
  | { type: 'restarted'; now: number }
  | { type: 'restart-failed'; now: number; reason: string }
  /** The user's Restart (or a retry after backoff): restart now. */
  | { type: 'restart-requested'; now: number; reason: string }
  | { type: 'stopped'; now: number };

export type ComponentEffect = { kind: 'none' } | { kind: 'check-soon' } | { kind: 'restart'; afterMs: number };

export interface ComponentPolicy {
  /** False for what this supervisor only watches (the control plane hosted in this very process). */
  restartable: boolean;
  /** Failed checks in a row before a restart: one miss may be a slow answer on a busy machine. */
  missesBeforeRestart: number;
}

export const initialState = (now: number): ComponentState => ({ phase: 'starting', misses: 0, attempts: 0, since: now });

const NONE: ComponentEffect = { kind: 'none' };

/** The next state and the effect to run, for one event. Stopped is final: nothing brings it back but a new supervisor. */
export function transition(state: ComponentState, event: ComponentEvent, policy: ComponentPolicy): { state: ComponentState; effect: ComponentEffect } {
  if (state.phase === 'stopped') return { state, effect: NONE };
  const at = event.now;
  switch (event.type) {
    case 'stopped':
      return { state: { phase: 'stopped', misses: 0, attempts: state.attempts, since: at }, effect: NONE };
    case 'check-ok': {
      // A restart counts against the backoff until the component has run for a stable minute.
      const stable = state.phase === 'running' && at - state.since >= STABLE_AFTER_MS;
      // Healthy while a restart waits for its backoff: someone else brought it back, so none is needed.
      const since = state.phase === 'running' ? state.since : at;
      return { state: { phase: 'running', misses: 0, attempts: stable ? 0 : state.attempts, since }, effect: NONE };
    }
    case 'check-failed': {
      // A restart waits for its backoff: an on-demand check keeps it, with the time it has left.
      if (state.phase === 'restarting' || state.phase === 'failed') {
        const delay = restartDelayMs(state.attempts);
        return { state: { ...state, reason: event.reason }, effect: { kind: 'restart', afterMs: Math.max(0, delay - (at - state.since)) } };
      }
      const misses = state.misses + 1;
      if (policy.restartable && misses >= policy.missesBeforeRestart) {
        return { state: { phase: 'restarting', reason: event.reason, misses, attempts: state.attempts, since: at }, effect: { kind: 'restart', afterMs: restartDelayMs(state.attempts) } };
      }
      const since = state.phase === 'degraded' ? state.since : at;
      // Not yet restarted (or not ours to restart): look again soon rather than at the slow pace.
      const effect: ComponentEffect = policy.restartable ? { kind: 'check-soon' } : NONE;
      return { state: { phase: 'degraded', reason: event.reason, misses, attempts: state.attempts, since }, effect };
    }
    case 'restart-requested':
      if (!policy.restartable) return { state, effect: NONE };
      return { state: { phase: 'restarting', reason: event.reason, misses: state.misses, attempts: state.attempts, since: at }, effect: { kind: 'restart', afterMs: 0 } };
    case 'restarted':
      return { state: { phase: 'running', misses: 0, attempts: state.attempts + 1, since: at }, effect: NONE };
    case 'restart-failed': {
      const attempts = state.attempts + 1;
      return { state: { phase: 'failed', reason: event.reason, misses: state.misses, attempts, since: at }, effect: { kind: 'restart', afterMs: restartDelayMs(attempts) } };
    }
  }
}
