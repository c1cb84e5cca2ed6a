import { useMemo } from 'react';
import type { ApiCallsPoint, HeartbeatPoint } from '../../../src/contract/ipc-contract.ts';
import { t } from '../../../src/contract/i18n.ts';
import { heartbeatGaps, requestsPerMinute, STATUS_CLASSES, statusSeries } from '../charts/series.ts';
import { TimeChart } from '../charts/TimeChart.tsx';
import { absoluteText } from '../common/format.ts';

/** Requests per minute between heartbeats. */
export function RequestsChart({ points }: { points: ApiCallsPoint[] }) {
  const { x, y } = useMemo(() => requestsPerMinute(points), [points]);
  const series = useMemo(() => [{ label: t('chart.requests'), values: y, colorVar: '--chart-1' }], [y]);
  if (x.length < 2) return <p className="muted chart-empty">{t('chart.requestsEmpty')}</p>;
  const last = y[y.length - 1] ?? 0;
  return <TimeChart x={x} series={series} unit={t('chart.unit.perMinute')} summary={t('chart.requestsSummary', { last, max: Math.max(...y) })} testId="chart-requests" />;
}

/** Requests by status class (2xx … 5xx) per interval, from the control plane's counts. */
export function StatusCodesChart({ points }: { points: ApiCallsPoint[] }) {
  const s = useMemo(() => statusSeries(points), [points]);
  const series = useMemo(() => STATUS_CLASSES.map((c, i) => ({ label: c, values: s.byClass[c], colorVar: `--status-${i + 2}` })), [s]);
  if (!s.any || s.x.length < 2) return <p className="muted chart-empty">{t('chart.statusEmpty')}</p>;
  const totals = STATUS_CLASSES.map((c) => `${c} ${s.byClass[c].reduce((a, b) => a + b, 0)}`).join(', ');
  return <TimeChart x={s.x} series={series} unit={t('chart.unit.requests')} summary={t('chart.statusSummary', { totals })} testId="chart-status" />;
}

/** Each heartbeat at its time, its height the gap since the one before: a tall point is a late beat. */
export function HeartbeatChart({ points }: { points: HeartbeatPoint[] }) {
  // The first heartbeat has no gap before it: drawn as a hole, it still anchors the time axis.
  const gaps = useMemo(() => heartbeatGaps(points), [points]);
  const x = useMemo(() => gaps.map((g) => g.at / 1000), [gaps]);
  const series = useMemo(() => [{ label: t('chart.heartbeatGap'), values: gaps.map((g) => g.gapS ?? null), colorVar: '--chart-2', pointsOnly: true }], [gaps]);
  if (gaps.length < 2) return <p className="muted chart-empty">{t('dash.timelineEmpty')}</p>;
  const last = points[points.length - 1];
  return (
    <>
      <TimeChart x={x} series={series} unit={t('chart.unit.seconds')} summary={t('chart.heartbeatSummary', { count: points.length, last: absoluteText(last?.at), status: last?.status ?? '' })} testId="chart-heartbeats" />
      <ol className="visually-hidden" aria-label={t('dash.timeline')}>
        {points.map((p) => (
          <li key={p.at}>{t('dash.timelinePoint', { time: absoluteText(p.at), status: p.status })}</li>
        ))}
      </ol>
    </>
  );
}
