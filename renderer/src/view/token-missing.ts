import type { StatusSnapshot } from '../../../src/contract/ipc-contract.ts';
import { gatewayRuns } from './state-actions.ts';

/**
 * A cloud profile with no stored token, whose gateway does not run: a launch can only fail, so the
 * window says the token is missing (the reason a running gateway's status would carry) and offers to
 * set it instead of Launch. A running gateway's status already carries the reason itself.
 */
export function tokenMissing(snapshot: Pick<StatusSnapshot, 'profile' | 'status'>): boolean {
  const { profile, status } = snapshot;
  if (profile.kind !== 'cloud' || profile.hasToken !== false) return false;
  if (status.reasons.some((r) => r.reason === 'token-missing')) return false;
  return !gatewayRuns(status);
}
