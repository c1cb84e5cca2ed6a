import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WatchTracker } from '../../src/control-plane/config-centre/watch-tracker.ts';
import { InstanceRegistry, type HeartbeatInput } from '../../src/control-plane/registry/registry.ts';
import { ManualClock } from '../helpers/manual-clock.ts';
import { DEFAULT_THRESHOLDS, instanceStatus, validateThresholds } from '../../src/control-plane/registry/status.ts';

const hb = (id: string, more: Partial<HeartbeatInput> = {}): HeartbeatInput => ({
  id,
  apiCalls: 0,
  etcdReachable: true,
  certSerial: '1a',
  certNotAfterMs: Date.UTC(2030, 0, 1),
  ...more,
});

test('the status rule follows PROTOCOL §3 at its boundaries', () => {
  const t = DEFAULT_THRESHOLDS;
  assert.equal(instanceStatus(0, true, t), 'Healthy');
  assert.equal(instanceStatus(30_000, true, t), 'Healthy');
  assert.equal(instanceStatus(30_000, false, t), 'Only Heartbeats');
  assert.equal(instanceStatus(30_001, true, t), 'Lost Connection');
  assert.equal(instanceStatus(2 * 3600_000, true, t), 'Lost Connection');
  assert.equal(instanceStatus(2 * 3600_000 + 1, true, t), 'Offline');
});

test('thresholds must be positive and ordered', () => {
  assert.throws(() => validateThresholds({ lostAfterMs: 0, offlineAfterMs: 10, purgeAfterMs: 10 }), /positive/);
  assert.throws(() => validateThresholds({ lostAfterMs: 10, offlineAfterMs: 10, purgeAfterMs: 10 }), /longer/);
});

test('an instance moves Healthy → Lost Connection → Offline → purged on the control plane clock', () => {
  const clock = new ManualClock(1_000_000);
  const reg = new InstanceRegistry(clock, { lostAfterMs: 1000, offlineAfterMs: 5000, purgeAfterMs: 10_000 }, new WatchTracker());
  assert.equal(reg.heartbeat(hb('a')).registered, true);
  assert.equal(reg.get('a')?.status, 'Healthy');
  assert.equal(reg.get('a')?.register_time, new Date(1_000_000).toISOString());
  clock.advance(1001);
  assert.equal(reg.get('a')?.status, 'Lost Connection');
  assert.equal(reg.heartbeat(hb('a')).registered, false);
  assert.equal(reg.get('a')?.status, 'Healthy');
  assert.equal(reg.get('a')?.register_time, new Date(1_000_000).toISOString(), 'registration time stays the first one');
  clock.advance(5001);
  assert.equal(reg.get('a')?.status, 'Offline');
  clock.advance(5000);
  assert.equal(reg.get('a'), undefined);
  assert.equal(reg.list().length, 0);
});

test('a gateway whose config channel is down only heartbeats, unless it holds an open watch', () => {
  const watches = new WatchTracker();
  const reg = new InstanceRegistry(new ManualClock(0), DEFAULT_THRESHOLDS, watches);
  reg.heartbeat(hb('b', { etcdReachable: false }));
  assert.equal(reg.get('b')?.status, 'Only Heartbeats');
  const close = watches.opened('b');
  assert.equal(reg.get('b')?.status, 'Healthy');
  assert.equal(reg.get('b')?.config_watch_open, true);
  close();
  close();
  assert.equal(watches.count('b'), 0);
  assert.equal(reg.get('b')?.status, 'Only Heartbeats');
});

test('a gateway that does not know its config channel yet is not judged on a guess', () => {
  const reg = new InstanceRegistry(new ManualClock(0), DEFAULT_THRESHOLDS, new WatchTracker());
  reg.heartbeat(hb('u', { etcdReachable: undefined }));
  assert.equal(reg.get('u')?.etcd_reachable, null, 'unknown is reported as unknown, not false');
  assert.equal(reg.get('u')?.status, 'Healthy', 'and does not pass through Only Heartbeats');
  reg.heartbeat(hb('u', { etcdReachable: false }));
  assert.equal(reg.get('u')?.status, 'Only Heartbeats');
  reg.heartbeat(hb('u', { etcdReachable: undefined }));
  assert.equal(reg.get('u')?.etcd_reachable, false, 'a later unknown keeps the last known view');
  assert.equal(reg.get('u')?.status, 'Only Heartbeats');
});

test('api_calls accumulate, certificate expiry is kept, and metrics fold into totals', () => {
  const reg = new InstanceRegistry(new ManualClock(0), DEFAULT_THRESHOLDS, new WatchTracker());
  reg.heartbeat(hb('c', { apiCalls: 5 }));
  reg.heartbeat(hb('c', { apiCalls: 7, certNotAfterMs: Date.UTC(2031, 5, 1) }));
  const c = reg.get('c');
  assert.equal(c?.api_calls, 12);
  assert.equal(c?.cert_not_after, '2031-06-01T00:00:00.000Z');
  assert.equal(reg.metrics('nobody', 'apisix_http_status{code="200"} 1'), false);
  assert.equal(reg.metrics('c', 'apisix_http_status{code="200",route="1"} 3\napisix_http_status{code="404",route="1"} 1'), true);
  assert.deepEqual(reg.get('c')?.metrics?.requests_by_status, { '200': 3, '404': 1 });
  assert.equal(reg.get('c')?.metrics?.total_requests, 4);
});

test('lists are ordered by registration and ids can be forgotten', () => {
  const clock = new ManualClock(0);
  const reg = new InstanceRegistry(clock, DEFAULT_THRESHOLDS, new WatchTracker());
  for (const id of ['z', 'y', 'x']) {
    reg.heartbeat(hb(id));
    clock.advance(1);
  }
  assert.deepEqual(reg.list().map((i) => i.id), ['z', 'y', 'x']);
  assert.equal(reg.delete('y'), true);
  assert.equal(reg.delete('y'), false);
  assert.deepEqual(reg.list().map((i) => i.id), ['z', 'x']);
});
