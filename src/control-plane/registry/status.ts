export type InstanceStatus = 'Healthy' | 'Only Heartbeats' | 'Lost Connection' | 'Offline';

export interface StatusThresholds {
  lostAfterMs: number;
  offlineAfterMs: number;
  purgeAfterMs: number;
}

export const DEFAULT_THRESHOLDS: StatusThresholds = {
  lostAfterMs: 30_000,
  offlineAfterMs: 2 * 3600_000,
  purgeAfterMs: 7 * 24 * 3600_000,
};

/**
 * PROTOCOL §3, computed on read from the control plane's own clock: never stored, so it cannot go stale,
 * and never from a time the gateway sent.
 */
export function instanceStatus(
  sinceLastSeenMs: number,
  configChannelWorks: boolean,
  t: Pick<StatusThresholds, 'lostAfterMs' | 'offlineAfterMs'>,
): InstanceStatus {
  if (sinceLastSeenMs > t.offlineAfterMs) return 'Offline';
  if (sinceLastSeenMs > t.lostAfterMs) return 'Lost Connection';
  return configChannelWorks ? 'Healthy' : 'Only Heartbeats';
}

export function validateThresholds(t: StatusThresholds): void {
  for (const [name, v] of Object.entries(t)) {
    if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} must be a positive number of milliseconds, got ${v}`);
  }
  if (t.offlineAfterMs <= t.lostAfterMs) {
    throw new Error(`the offline threshold (${t.offlineAfterMs} ms) must be longer than the lost-connection threshold (${t.lostAfterMs} ms)`);
  }
}
