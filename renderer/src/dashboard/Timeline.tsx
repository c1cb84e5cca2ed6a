import type { HeartbeatPoint } from '../../../src/contract/ipc-contract.ts';
import { t } from '../../../src/contract/i18n.ts';
import { timeText } from '../common/format.ts';

/** Recent heartbeats as a row of marks, each one named for screen readers. */
export function Timeline({ points }: { points: HeartbeatPoint[] }) {
  if (points.length === 0) return <p className="muted">{t('dash.timelineEmpty')}</p>;
  return (
    <ol className="timeline" aria-label={t('dash.timeline')}>
      {points.map((p) => (
        <li key={p.at} className={`beat beat-${p.status.replace(/\s+/g, '-').toLowerCase()}`} title={t('dash.timelinePoint', { time: timeText(p.at), status: p.status })}>
          <span className="visually-hidden">{t('dash.timelinePoint', { time: timeText(p.at), status: p.status })}</span>
        </li>
      ))}
    </ol>
  );
}
