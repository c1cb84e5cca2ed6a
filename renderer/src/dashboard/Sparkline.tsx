import type { ApiCallsPoint } from '../../../src/contract/ipc-contract.ts';
import { t } from '../../../src/contract/i18n.ts';

const W = 240;
const H = 48;

/** API calls between heartbeats, as an inline SVG line (no chart library; CSP-safe attributes only). */
export function Sparkline({ points }: { points: ApiCallsPoint[] }) {
  const total = points.reduce((n, p) => n + p.calls, 0);
  if (points.length === 0) return <p className="muted">{t('dash.apiCallsEmpty')}</p>;
  const max = Math.max(1, ...points.map((p) => p.calls));
  const step = points.length > 1 ? (W - 4) / (points.length - 1) : 0;
  const coords = points.map((p, i) => `${(2 + i * step).toFixed(1)},${(H - 2 - (p.calls / max) * (H - 4)).toFixed(1)}`).join(' ');
  const summary = t('dash.apiCallsSummary', { total, count: points.length });
  return (
    <figure className="sparkline">
      <svg viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label={summary}>
        <polyline points={coords} fill="none" stroke="currentColor" strokeWidth="2" />
        <circle cx={2 + (points.length - 1) * step} cy={H - 2 - (points[points.length - 1]!.calls / max) * (H - 4)} r="3" fill="currentColor" />
      </svg>
      <figcaption className="muted">{summary}</figcaption>
    </figure>
  );
}
