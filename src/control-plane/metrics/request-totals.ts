import { parsePrometheusText } from './prometheus.ts';

const STATUS_METRIC = new Set(['apisix_http_status']);

/** The most series one instance may keep; a gateway with a runaway label set cannot exhaust memory. */
const MAX_SERIES_PER_INSTANCE = 20_000;

/**
 * Request totals by HTTP status code for one instance, of API calls in the one sense PROTOCOL §6 asks
 * for: requests APISIX served on a route. Under the control plane's global rule APISIX's Prometheus also
 * counts requests that matched no route (with `route=""`); those are left out, as the agent leaves them
 * out of `api_calls`. Metrics arrive split into chunks (PROTOCOL §2.2),
 * so the latest value of each counter series is kept and the totals are summed over all of them: a
 * chunk then updates its own series without erasing what the other chunks said.
 */
export class RequestTotals {
  private readonly series = new Map<string, { code: string; value: number }>();

  /** Folds one chunk of Prometheus text in; returns how many status samples it held. */
  ingest(text: string): number {
    const samples = parsePrometheusText(text, STATUS_METRIC);
    for (const s of samples) {
      const code = s.labels.code;
      if (code === undefined || !/^\d{3}$/.test(code)) continue;
      if (s.labels.route === '') continue;
      // Updated in place: the series live as long as their instance, a new object per post only churns the GC.
      const known = this.series.get(s.seriesKey);
      if (known) {
        known.value = s.value;
        continue;
      }
      if (this.series.size >= MAX_SERIES_PER_INSTANCE) continue;
      this.series.set(s.seriesKey, { code, value: s.value });
    }
    return samples.length;
  }

  byStatus(): Record<string, number> {
    const totals: Record<string, number> = {};
    for (const { code, value } of this.series.values()) totals[code] = (totals[code] ?? 0) + value;
    return totals;
  }
}
