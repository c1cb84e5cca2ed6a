import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WatchTracker } from '../../src/control-plane/config-centre/watch-tracker.ts';
import { InstanceRegistry } from '../../src/control-plane/registry/registry.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { DEFAULT_THRESHOLDS } from '../../src/control-plane/registry/status.ts';

test('a later beat keeps what it leaves out, adds api calls, moves last seen and keeps a binding', () => {
  const clock = new ManualClock(1_000_000);
  const reg = new InstanceRegistry(clock, DEFAULT_THRESHOLDS, new WatchTracker());
  const first = reg.heartbeat({
    id: 'gw', hostname: 'h1', ip: '10.0.0.1', domain: 'd', version: 'v1', agentVersion: 'a1', runId: 'r1', ports: ['9080'],
    apiCalls: 2, etcdReachable: false, configVersion: 3, appliedRevision: 4, certSerial: 'aa', certNotAfterMs: 5, certBound: true,
  });
  assert.equal(first.registered, true);
  clock.advance(10_000);
  const second = reg.heartbeat({ id: 'gw', apiCalls: 3, etcdReachable: undefined, certSerial: 'bb', certNotAfterMs: 6, certBound: false });
  assert.equal(second.registered, false);
  assert.deepEqual(reg.record('gw'), {
    id: 'gw', hostname: 'h1', ip: '10.0.0.1', domain: 'd', version: 'v1', agentVersion: 'a1', runId: 'r1', ports: ['9080'],
    apiCalls: 5, etcdReachable: false, configVersion: 3, appliedRevision: 4, registeredAtMs: 1_000_000, lastSeenMs: 1_010_000,
    certSerial: 'bb', certNotAfterMs: 6, certBound: true, metrics: null,
  });
  reg.heartbeat({ id: 'gw', hostname: 'h2', ports: ['9443'], apiCalls: 0, etcdReachable: true, configVersion: 7, appliedRevision: 8, certSerial: 'bb', certNotAfterMs: 6 });
  const r = reg.record('gw');
  assert.deepEqual([r?.hostname, r?.ports, r?.etcdReachable, r?.configVersion, r?.appliedRevision, r?.certBound], ['h2', ['9443'], true, 7, 8, true]);
  assert.equal(reg.get('gw')?.register_time, new Date(1_000_000).toISOString());
});

test('metrics posts fold into the record, the latest value of each series counting once', () => {
  const reg = new InstanceRegistry(new ManualClock(0), DEFAULT_THRESHOLDS, new WatchTracker());
  assert.equal(reg.metrics('gw', 'apisix_http_status{code="200",route="r"} 1\n'), false, 'unknown until its first beat');
  reg.heartbeat({ id: 'gw', apiCalls: 0, etcdReachable: true, certSerial: 'aa', certNotAfterMs: 0 });
  reg.metrics('gw', 'apisix_http_status{code="200",route="r"} 1\napisix_http_status{code="500",route="r"} 2\n');
  const earlier = reg.get('gw');
  const summary = reg.record('gw')?.metrics;
  reg.metrics('gw', 'apisix_http_status{code="200",route="r"} 4\n');
  assert.deepEqual(reg.get('gw')?.metrics?.requests_by_status, { '200': 4, '500': 2 });
  assert.equal(reg.get('gw')?.metrics?.total_requests, 6);
  // The record's summary is updated in place; a view taken before keeps what it said then.
  assert.equal(reg.record('gw')?.metrics, summary);
  assert.deepEqual([earlier?.metrics?.requests_by_status, earlier?.metrics?.total_requests], [{ '200': 1, '500': 2 }, 3]);
});
