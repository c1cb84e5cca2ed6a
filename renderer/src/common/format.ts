import { t } from '../../../src/contract/i18n.ts';

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * The one absolute format of the UI, in local time: `2026-12-01 07:24:29`. Shown on hover and in
 * tooltips; the text itself is relative (relativeText).
 */
export function absoluteText(iso: string | number | undefined): string {
  if (iso === undefined || iso === '') return t('common.none');
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** The time of day only, `07:24:29`, for chart axes and hover values. */
export function clockText(ms: number): string {
  const d = new Date(ms);
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** "12 s ago", "in 3 min", "in 89 days", … from a time and now (ms). */
export function relativeText(iso: string | number | undefined, now: number): string {
  if (iso === undefined || iso === '') return t('age.never');
  const then = typeof iso === 'number' ? iso : Date.parse(iso);
  if (Number.isNaN(then)) return String(iso);
  const diff = Math.round((then - now) / 1000);
  const s = Math.abs(diff);
  const future = diff > 0 && s >= 1;
  let amount: string;
  if (s < 120) amount = t('age.unit.seconds', { n: s });
  else if (s < 7200) amount = t('age.unit.minutes', { n: Math.round(s / 60) });
  else if (s < 172_800) amount = t('age.unit.hours', { n: Math.round(s / 3600) });
  else amount = t('age.unit.days', { n: Math.round(s / 86_400) });
  return future ? t('age.future', { amount }) : t('age.past', { amount });
}

/** The same as relativeText; the old name the heartbeat age used. */
export const ageText = (then: string | undefined, now: number): string => relativeText(then, now);

/** 1.2 MB, 340 kB, 12 B: decimal units, as Docker prints them. */
export function bytesText(n: number): string {
  if (!Number.isFinite(n) || n < 0) return t('common.none');
  if (n < 1000) return `${Math.round(n)} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(n < 1e4 ? 1 : 0)} kB`;
  if (n < 1e9) return `${(n / 1e6).toFixed(n < 1e7 ? 1 : 0)} MB`;
  return `${(n / 1e9).toFixed(2)} GB`;
}

/** A duration in ms as `850 ms`, `4.2 s` or `1 min 5 s`. */
export function durationText(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${Math.round((ms % 60_000) / 1000)} s`;
}
