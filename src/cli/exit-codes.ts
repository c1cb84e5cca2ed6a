import type { ReasonCode } from '../core/reasons/reason-codes.ts';
import type { GatewayStatus, OverallState } from '../core/status/gateway-status.ts';

/**
 * The CLI's exit codes, so a script can tell causes apart. README's "Exit codes" table lists the same;
 * keep the two together. 0 success, 1 a failure with no known reason, 2 a usage error, 130 Ctrl-C.
 */
export const REASON_EXIT: Record<ReasonCode, number> = {
  'engine-unavailable': 10,
  'port-in-use': 11,
  'image-not-found': 12,
  'registry-unreachable': 13,
  'disk-full': 14,
  'token-missing': 20,
  'token-refused': 21,
  'control-plane-down': 22,
  'control-plane-unreachable': 23,
  'config-centre-down': 24,
  'certificate-expired': 25,
  'certificate-refused': 26,
  'config-stale': 27,
  'gateway-exited': 30,
  'register-timeout': 31,
  'not-launched': 32,
  cancelled: 130,
};

/** `status` outside Healthy, when no reason names the cause. */
export const STATE_EXIT: Record<OverallState, number> = { healthy: 0, stopped: 3, starting: 4, degraded: 5, lost: 6, error: 7 };

export const EXIT_FAILURE = 1;

export function exitCodeOfReason(reason: ReasonCode | undefined): number {
  return reason ? REASON_EXIT[reason] : EXIT_FAILURE;
}

/** 0 only when Healthy; else the reason of the first (most severe) reason that has one, else the state's code. */
export function exitCodeOfStatus(s: Pick<GatewayStatus, 'state' | 'reasons'>): number {
  if (s.state === 'healthy') return 0;
  const reason = s.reasons.find((r) => r.reason)?.reason;
  return reason ? REASON_EXIT[reason] : STATE_EXIT[s.state];
}
