import { t } from '../../../src/contract/i18n.ts';

/** "12 s ago", "3 min ago", … from two epoch-ms times. */
export function ageText(then: string | undefined, now: number): string {
  if (!then) return t('age.never');
  const s = Math.max(0, Math.round((now - Date.parse(then)) / 1000));
  if (s < 120) return t('age.seconds', { n: s });
  if (s < 7200) return t('age.minutes', { n: Math.round(s / 60) });
  return t('age.hours', { n: Math.round(s / 3600) });
}

export function timeText(iso: string | undefined): string {
  if (!iso) return t('common.none');
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}
