import { t } from '../../../src/contract/i18n.ts';
import type { Tone } from '../view/state-view.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export interface CertRemaining {
  /** ms until notAfter; 0 or less once it has expired. */
  ms: number;
  /** Whole days left, rounded down: never more than there are. */
  days: number;
  /** The one phrase the card shows: "89 days left", "1 day left", "5 h left", "expired". */
  text: string;
  tone: Tone;
}

/**
 * The certificate card's one reading of the time left. Rounded down everywhere (a certificate 89.9 days
 * from expiry has 89 whole days left), and the card shows only this, with the absolute expiry beside it:
 * two readings with their own rounding once said "89 days left" beside "expires in 90 days".
 */
export function certificateRemaining(notAfter: string | undefined, now: number): CertRemaining | undefined {
  if (!notAfter) return undefined;
  const end = Date.parse(notAfter);
  if (Number.isNaN(end)) return undefined;
  const ms = end - now;
  const days = Math.floor(ms / DAY);
  let text: string;
  if (ms <= 0) text = t('cert.expired');
  else if (ms < MINUTE) text = t('cert.underMinute');
  else if (ms < HOUR) text = t('cert.minutesLeft', { n: Math.floor(ms / MINUTE) });
  else if (ms < DAY) text = t('cert.hoursLeft', { n: Math.floor(ms / HOUR) });
  else text = days === 1 ? t('cert.dayLeft') : t('cert.daysLeft', { n: days });
  const tone: Tone = ms < 7 * DAY ? 'bad' : ms < 30 * DAY ? 'warn' : 'ok';
  return { ms, days, text, tone };
}
