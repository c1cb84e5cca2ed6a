import { t } from '../contract/i18n.ts';
import type { NotificationKind } from '../contract/ipc-contract.ts';
import type { GatewayStatus } from '../core/status/gateway-status.ts';
import { isStatusCode, type StatusCode } from '../core/status/status-codes.ts';

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

/**
 * Which notification each status code belongs to, if any; a Record, so a new code does not compile until
 * it is decided here. Only what someone should be interrupted for has a kind: a crash (also a crash loop
 * or an out-of-memory kill), heartbeats lost (whatever the cause: a paused or sleeping gateway too), and
 * a certificate near or past its end. Starting, stopping and a degraded control plane are seen in the
 * tray's icon without a popup; so is Docker going away, which the user usually did on purpose.
 */
export const NOTIFY_BY_CODE: Record<StatusCode, Exclude<NotificationKind, 'recovered'> | null> = {
  'engine-unavailable': null,
  launching: null,
  checking: null,
  'not-running': null,
  'crashed-oom': 'crashed',
  crashed: 'crashed',
  stopped: null,
  'not-started': null,
  'crash-loop': 'crashed',
  restarting: null,
  paused: 'heartbeat-lost',
  'cert-expired': 'cert-expiring',
  'cert-expiring': 'cert-expiring',
  registering: null,
  'never-registered': 'heartbeat-lost',
  'agent-silent': 'heartbeat-lost',
  'control-plane-unreachable': 'heartbeat-lost',
  'control-plane-unanswered': null,
  'token-refused': null,
  'token-missing': null,
  'control-plane-down': null,
  'unknown-to-control-plane': null,
  'heartbeat-lost': 'heartbeat-lost',
  'config-centre-down': null,
  'heartbeat-failing': null,
  'control-plane-unavailable': null,
  healthy: null,
};

function kindOf(code: string): NotificationKind | null {
  return isStatusCode(code) ? NOTIFY_BY_CODE[code] : null;
}
const reasonOfKind = (status: GatewayStatus, kind: NotificationKind) => status.reasons.find((r) => kindOf(r.code) === kind);

/** A lost-kind code counts once the state says so: a gateway paused for a moment is not news yet. */
const lostReason = (status: GatewayStatus) => (status.state === 'lost' || status.state === 'error' ? reasonOfKind(status, 'heartbeat-lost') : undefined);

/** The transitions worth interrupting someone for; a status that merely persists is not one. */
function transitions(previous: GatewayStatus, next: GatewayStatus): GatewayNotification[] {
  const found: GatewayNotification[] = [];
  const crash = reasonOfKind(next, 'crashed');
  if (crash && !reasonOfKind(previous, 'crashed')) {
    found.push({ kind: 'crashed', title: t('notify.crashed'), body: crash.message });
  }
  const lost = lostReason(next);
  if (lost && !lostReason(previous)) {
    found.push({ kind: 'heartbeat-lost', title: t('notify.heartbeat-lost'), body: lost.message });
  }
  // Recovery is news only after a problem the user could have been told about; starting → healthy is not.
  if (next.state === 'healthy' && (previous.state === 'lost' || previous.state === 'error')) {
    found.push({ kind: 'recovered', title: t('notify.recovered'), body: t('notify.recovered.body') });
  }
  const cert = reasonOfKind(next, 'cert-expiring');
  if (cert && !reasonOfKind(previous, 'cert-expiring')) {
    found.push({ kind: 'cert-expiring', title: t('notify.cert-expiring'), body: cert.message });
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
