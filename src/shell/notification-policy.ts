import { t } from '../contract/i18n.ts';
import type { NotificationKind } from '../contract/ipc-contract.ts';
import type { GatewayStatus } from '../core/status/gateway-status.ts';

export type { NotificationKind };

export interface NotificationSettings {
  enabled: boolean;
  muted: readonly NotificationKind[];
}

export const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = { enabled: true, muted: [] };

export interface GatewayNotification {
  kind: NotificationKind;
  title: string;
  body: string;
}

/** One notification that was shown, for rate limiting. */
export interface NotificationRecord {
  kind: NotificationKind;
  at: number;
}

export interface RateLimits {
  /** The same kind again within this window is dropped (a flapping gateway notifies once). */
  perKindMs: Record<NotificationKind, number>;
  /** At most `burstMax` notifications of any kind within `burstWindowMs`. */
  burstMax: number;
  burstWindowMs: number;
}

const MINUTE = 60_000;
export const DEFAULT_RATE_LIMITS: RateLimits = {
  perKindMs: { crashed: 5 * MINUTE, 'heartbeat-lost': 5 * MINUTE, recovered: 5 * MINUTE, 'cert-expiring': 24 * 60 * MINUTE },
  burstMax: 4,
  burstWindowMs: 10 * MINUTE,
};

const CRASH_CODES = new Set(['crashed', 'crashed-oom']);
const LOST_CODES = new Set(['heartbeat-lost', 'control-plane-unreachable']);
const CERT_CODES = new Set(['cert-expiring', 'cert-expired']);

const hasCode = (status: GatewayStatus, codes: ReadonlySet<string>): boolean => status.reasons.some((r) => codes.has(r.code));
const reasonMessage = (status: GatewayStatus, codes: ReadonlySet<string>): string =>
  status.reasons.find((r) => codes.has(r.code))?.message ?? '';

/** The transitions worth interrupting someone for; a status that merely persists is not one. */
function transitions(previous: GatewayStatus, next: GatewayStatus): GatewayNotification[] {
  const found: GatewayNotification[] = [];
  if (hasCode(next, CRASH_CODES) && !hasCode(previous, CRASH_CODES)) {
    found.push({ kind: 'crashed', title: t('notify.crashed'), body: reasonMessage(next, CRASH_CODES) });
  }
  if (next.state === 'lost' && hasCode(next, LOST_CODES) && previous.state !== 'lost') {
    found.push({ kind: 'heartbeat-lost', title: t('notify.heartbeat-lost'), body: reasonMessage(next, LOST_CODES) });
  }
  // Recovery is news only after a problem the user could have been told about; starting → healthy is not.
  if (next.state === 'healthy' && (previous.state === 'lost' || previous.state === 'error')) {
    found.push({ kind: 'recovered', title: t('notify.recovered'), body: t('notify.recovered.body') });
  }
  if (hasCode(next, CERT_CODES) && !hasCode(previous, CERT_CODES)) {
    found.push({ kind: 'cert-expiring', title: t('notify.cert-expiring'), body: reasonMessage(next, CERT_CODES) });
  }
  return found;
}

/**
 * What to notify for one status change: transitions only (no previous status, no notification),
 * filtered by the user's mutes and rate-limited against what was shown recently. Pure: the caller shows
 * the result and appends it to the history.
 */
export function notificationsFor(
  previous: GatewayStatus | undefined,
  next: GatewayStatus,
  settings: NotificationSettings,
  now: number,
  history: readonly NotificationRecord[],
  limits: RateLimits = DEFAULT_RATE_LIMITS,
): GatewayNotification[] {
  if (previous === undefined || !settings.enabled) return [];
  const muted = new Set(settings.muted);
  const shown = [...history];
  const out: GatewayNotification[] = [];
  for (const candidate of transitions(previous, next)) {
    if (muted.has(candidate.kind)) continue;
    const sameKindRecently = shown.some((h) => h.kind === candidate.kind && now - h.at < limits.perKindMs[candidate.kind]);
    const burst = shown.filter((h) => now - h.at < limits.burstWindowMs).length;
    if (sameKindRecently || burst >= limits.burstMax) continue;
    out.push(candidate);
    shown.push({ kind: candidate.kind, at: now });
  }
  return out;
}

/** Keeps only the records that can still limit anything. */
export function pruneHistory(history: readonly NotificationRecord[], now: number, limits: RateLimits = DEFAULT_RATE_LIMITS): NotificationRecord[] {
  const longest = Math.max(limits.burstWindowMs, ...Object.values(limits.perKindMs));
  return history.filter((h) => now - h.at < longest);
}
