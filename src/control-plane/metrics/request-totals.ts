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
  /**
   * The sums by code and over all codes, moved by each series' change as it comes in rather than summed
   * again for every post: a post then allocates nothing that outlives it (10,000 gateways post every 15 s).
   * Series never go away, so a code once seen stays.
   */
  private readonly sums: Record<string, number> = {};
  private sum = 0;

  /** Folds one chunk of Prometheus text in; returns how many status samples it held. */
  ingest(text: string): number {
    const samples = parsePrometheusText(text, STATUS_METRIC);
    for (const s of samples) {
      const code = s.labels.code;
      if (code === undefined || !/^\d{3}$/.test(code)) continue;
      if (s.labels.route === '') continue;
      const known = this.series.get(s.seriesKey);
      if (known) {
        this.add(known.code, s.value - known.value);
        known.value = s.value;
        continue;
      }
      if (this.series.size >= MAX_SERIES_PER_INSTANCE) continue;
      this.series.set(s.seriesKey, { code, value: s.value });
      this.add(code, s.value);
    }
    return samples.length;
  }

  private add(code: string, delta: number): void {
    this.sums[code] = (this.sums[code] ?? 0) + delta;
    this.sum += delta;
  }

  /** Totals by status code: the live object, which later posts change in place. */
  byStatus(): Readonly<Record<string, number>> {
    return this.sums;
  }

  total(): number {
    return this.sum;
  }
}
