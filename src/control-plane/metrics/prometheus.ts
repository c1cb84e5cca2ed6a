/** One sample of the Prometheus text exposition format. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  /** The label set as written, a stable key for the series. */
  seriesKey: string;
  value: number;
}

/** What follows a sample's name and labels: whitespace, the value, maybe a timestamp. */
const VALUE_TAIL = String.raw`\s+(\S+)(?:\s+-?\d+)?\s*$`;
const SAMPLE = new RegExp(String.raw`^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?` + VALUE_TAIL);
const VALUE_ONLY = new RegExp(`^${VALUE_TAIL}`);
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*,?/gy;

function unescapeLabel(v: string): string {
  if (!v.includes('\\')) return v;
  return v.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

function parseLabels(text: string): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  let consumed = 0;
  for (let m = LABEL.exec(text); m; m = LABEL.exec(text)) {
    labels[m[1] as string] = unescapeLabel(m[2] as string);
    consumed = LABEL.lastIndex;
  }
  return text.slice(consumed).trim() === '' ? labels : undefined;
}

function parseValue(text: string): number | undefined {
  if (text === '+Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  const n = Number(text);
  return Number.isNaN(n) ? undefined : n;
}

/**
 * The finite value of what follows a sample's name and labels (` 12 1700000000000`), read as the full
 * parser reads it; undefined for anything else.
 */
export function sampleValueOf(tail: string): number | undefined {
  const m = VALUE_ONLY.exec(tail);
  const value = m ? parseValue(m[1] as string) : undefined;
  return value !== undefined && Number.isFinite(value) ? value : undefined;
}

/**
 * Parses Prometheus text, keeping only samples whose metric name is in `names`. Comments and lines that
 * don't parse are skipped: a gateway's metrics are informative, and one bad line must not lose the rest.
 */
export function parsePrometheusText(text: string, names: ReadonlySet<string>): Sample[] {
  const samples: Sample[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    // Most lines are of other metrics: skip them before the regex, which dominated a metrics post's cost.
    if (!names.has(metricName(line))) continue;
    const m = SAMPLE.exec(line);
    if (!m) continue;
    const name = m[1] as string;
    if (!names.has(name)) continue;
    const labels = m[3] === undefined ? {} : parseLabels(m[3]);
    const value = parseValue(m[4] as string);
    if (!labels || value === undefined || !Number.isFinite(value)) continue;
    samples.push({ name, labels, seriesKey: `${name}{${m[3] ?? ''}}`, value });
  }
  return samples;
}

/** The name a sample line starts with, as SAMPLE's first group reads it (the longest run of name characters). */
function metricName(line: string): string {
  let i = 0;
  for (; i < line.length; i++) {
    const c = line.charCodeAt(i);
    const nameChar = (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 58;
    if (!nameChar) break;
  }
  return line.slice(0, i);
}
