import type { ApiCallsPoint, HeartbeatPoint } from '../../../src/contract/ipc-contract.ts';
import { certificateRemaining } from '../dashboard/cert-remaining.ts';

/** Status classes in the order the chart stacks them. */
export const STATUS_CLASSES = ['2xx', '3xx', '4xx', '5xx'] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];

export function statusClassOf(code: string): StatusClass | undefined {
  const c = code[0];
  return c === '2' ? '2xx' : c === '3' ? '3xx' : c === '4' ? '4xx' : c === '5' ? '5xx' : undefined;
}

/**
 * Requests per minute, from the calls counted between heartbeats: each interval's calls divided by its
 * length. The first point has no interval before it and is left out. x is seconds (uPlot's unit).
 */
export function requestsPerMinute(points: ApiCallsPoint[]): { x: number[]; y: number[] } {
  const x: number[] = [];
  const y: number[] = [];
  for (let i = 1; i < points.length; i += 1) {
    const a = Date.parse(points[i - 1]!.at);
    const b = Date.parse(points[i]!.at);
    if (!(b > a)) continue;
    x.push(b / 1000);
    y.push(Math.round((points[i]!.calls / ((b - a) / 60_000)) * 10) / 10);
  }
  return { x, y };
}

/** Requests by status class for each interval between heartbeats (the control plane's counts). */
export function statusSeries(points: ApiCallsPoint[]): { x: number[]; byClass: Record<StatusClass, number[]>; any: boolean } {
  const x: number[] = [];
  const byClass = Object.fromEntries(STATUS_CLASSES.map((c) => [c, [] as number[]])) as Record<StatusClass, number[]>;
  let any = false;
  for (const p of points) {
    if (!p.byStatus) continue;
    x.push(Date.parse(p.at) / 1000);
    const sums: Record<StatusClass, number> = { '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 };
    for (const [code, n] of Object.entries(p.byStatus)) {
      const cls = statusClassOf(code);
      if (cls) sums[cls] += n;
    }
    for (const c of STATUS_CLASSES) {
      byClass[c].push(sums[c]);
      if (sums[c] > 0) any = true;
    }
  }
  return { x, byClass, any };
}

/** Heartbeats with the gap since the one before (s); a long gap is where heartbeats stopped. */
export function heartbeatGaps(points: HeartbeatPoint[]): Array<{ at: number; gapS: number | undefined; status: string }> {
  return points.map((p, i) => {
    const at = Date.parse(p.at);
    const prev = i > 0 ? Date.parse(points[i - 1]!.at) : undefined;
    return { at, gapS: prev === undefined ? undefined : Math.round((at - prev) / 100) / 10, status: p.status };
  });
}

/** How far a certificate is through its life, 0..1, and the days left; `issuedAt` is its notBefore or the registration. */
export function certificateLife(notAfter: string | undefined, issuedAt: string | undefined, now: number): { fraction: number; daysLeft: number } | undefined {
  if (!notAfter) return undefined;
  const end = Date.parse(notAfter);
  if (Number.isNaN(end)) return undefined;
  const start = issuedAt ? Date.parse(issuedAt) : Number.NaN;
  const span = end - (Number.isNaN(start) ? end - 365 * 86_400_000 : start);
  const fraction = span > 0 ? Math.min(1, Math.max(0, (now - (end - span)) / span)) : 1;
  // The days left come from the card's one reading, so the bar and the words never disagree.
  return { fraction, daysLeft: certificateRemaining(notAfter, now)?.days ?? 0 };
}
