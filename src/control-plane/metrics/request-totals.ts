import { parsePrometheusText, sampleValueOf } from './prometheus.ts';

const STATUS_METRIC = new Set(['apisix_http_status']);
/** Only labelled samples count: a status sample names its code. */
const STATUS_PREFIX = 'apisix_http_status{';

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

  /**
   * Series this instance sent that count for nothing (no route, an odd code): known, so that each post
   * does not parse their labels again. Bounded like the series.
   */
  private readonly ignored = new Set<string>();

  /**
   * Folds one chunk of Prometheus text in. A series seen before is found by its name and labels as
   * written, and only its value is read: parsing every label of every line allocated about 10 KB a post,
   * the largest share of the control plane's garbage at 10,000 gateways. A new series goes through the
   * full parser, which decides whether it counts.
   */
  ingest(text: string): void {
    for (let pos = 0; pos < text.length; ) {
      let end = text.indexOf('\n', pos);
      if (end === -1) end = text.length;
      let start = pos;
      while (start < end && (text.charCodeAt(start) === 32 || text.charCodeAt(start) === 9)) start++;
      pos = end + 1;
      if (!text.startsWith(STATUS_PREFIX, start)) continue;
      const close = text.lastIndexOf('}', end - 1);
      if (close < start) continue;
      const key = text.slice(start, close + 1);
      const known = this.series.get(key);
      if (known) {
        const value = sampleValueOf(text.slice(close + 1, end));
        if (value === undefined) continue;
        this.add(known.code, value - known.value);
        known.value = value;
        continue;
      }
      if (!this.ignored.has(key)) this.first(text.slice(start, end));
    }
  }

  /** A line of a series not seen before, through the full parser. */
  private first(line: string): void {
    const [sample] = parsePrometheusText(line, STATUS_METRIC);
    if (!sample || this.series.size + this.ignored.size >= MAX_SERIES_PER_INSTANCE) return;
    const code = sample.labels.code;
    // A copy of the key: a slice of the post would keep the whole post alive for as long as the series.
    const key = Buffer.from(sample.seriesKey).toString();
    if (code === undefined || !/^\d{3}$/.test(code) || sample.labels.route === '') {
      this.ignored.add(key);
      return;
    }
    this.series.set(key, { code, value: sample.value });
    this.add(code, sample.value);
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
