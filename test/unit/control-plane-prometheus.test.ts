import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parsePrometheusText } from '../../src/control-plane/metrics/prometheus.ts';
import { RequestTotals } from '../../src/control-plane/metrics/request-totals.ts';

const sample = `# HELP apisix_http_status HTTP status codes per service in APISIX
# TYPE apisix_http_status counter
apisix_http_status{code="200",route="1",matched_uri="/a",matched_host="",service="",consumer="",node="127.0.0.1"} 10
apisix_http_status{code="200",route="2",matched_uri="/b",matched_host="",service="",consumer="",node="127.0.0.1"} 5
apisix_http_status{code="502",route="2",matched_uri="/b",matched_host="",service="",consumer="",node="127.0.0.1"} 2
apisix_http_latency_bucket{type="request",route="1",le="1"} 3
apisix_nginx_http_current_connections{state="active"} 4 1700000000000
apisix_http_status{code="404",route="",matched_uri="a \\"quoted\\" uri,with comma",matched_host=""} 1
this is not a sample
apisix_http_status{code="500"} not-a-number
`;

test('it parses samples, labels with escapes and comma, and skips what does not parse', () => {
  const samples = parsePrometheusText(sample, new Set(['apisix_http_status', 'apisix_nginx_http_current_connections']));
  assert.equal(samples.length, 5);
  assert.equal(samples[3]?.value, 4);
  assert.equal(samples[4]?.labels.matched_uri, 'a "quoted" uri,with comma');
  assert.equal(samples[4]?.labels.code, '404');
});

test('request totals by status code sum every series of a route, and leave out requests that matched none', () => {
  const t = new RequestTotals();
  t.ingest(sample);
  // The 404 with route="" matched no route: not an API call (PROTOCOL §6), as the agent does not count it.
  assert.deepEqual(t.byStatus(), { '200': 15, '502': 2 });
});

test('a later chunk updates its own series without erasing another chunk', () => {
  const t = new RequestTotals();
  t.ingest('apisix_http_status{code="200",route="1"} 10\n');
  t.ingest('apisix_http_status{code="200",route="2"} 4\napisix_http_status{code="500",route="2"} 1\n');
  t.ingest('apisix_http_status{code="200",route="1"} 12\n');
  assert.deepEqual(t.byStatus(), { '200': 16, '500': 1 });
});

test('garbage and empty input give no totals and do not throw', () => {
  const t = new RequestTotals();
  for (const junk of ['', '\n\n', '{}{}', 'apisix_http_status{code=200} 1', 'apisix_http_status{code="abc"} 1', '\u0000'.repeat(100)]) {
    t.ingest(junk);
  }
  assert.deepEqual(t.byStatus(), {});
});

test('only the named metrics are kept, by their whole name, with or without labels', () => {
  const text = 'apisix_http_status_total{code="200"} 1\napisix_http_status 7\napisix_http_status{code="201"} 2\napisix_http_statusx 3\n';
  const samples = parsePrometheusText(text, new Set(['apisix_http_status']));
  assert.deepEqual(samples.map((s) => [s.seriesKey, s.value]), [['apisix_http_status{}', 7], ['apisix_http_status{code="201"}', 2]]);
});

test('totals follow each series down as well as up, and the total is their sum', () => {
  const t = new RequestTotals();
  t.ingest('apisix_http_status{code="200",route="1"} 10\napisix_http_status{code="404",route="1"} 3\n');
  assert.equal(t.total(), 13);
  // A counter reset (the gateway restarted) lowers its series: the sums move with it.
  t.ingest('apisix_http_status{code="200",route="1"} 2\n');
  assert.deepEqual(t.byStatus(), { '200': 2, '404': 3 });
  assert.equal(t.total(), 5);
});

test('a series seen before is read as the full parser reads it: indented, with a timestamp, a bad value skipped', () => {
  const t = new RequestTotals();
  t.ingest('apisix_http_status{code="200",route="1",matched_uri="/a}b"} 10\napisix_http_status{code="404",route=""} 9\n');
  t.ingest('  apisix_http_status{code="200",route="1",matched_uri="/a}b"} 12 1700000000000\napisix_http_status{code="404",route=""} 11\n');
  assert.deepEqual(t.byStatus(), { '200': 12 });
  // Not a number, or not finite: the series keeps its last value.
  for (const bad of ['NaN', '+Inf', 'x', '']) t.ingest(`apisix_http_status{code="200",route="1",matched_uri="/a}b"} ${bad}\n`);
  assert.deepEqual(t.byStatus(), { '200': 12 });
  assert.equal(t.total(), 12);
});
