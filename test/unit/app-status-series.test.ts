/** The dashboard's status-code chart reads requests per status between heartbeats from the sampler. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InstanceSampler, statusDelta } from '../../src/core/app/instance-sampler.ts';
import type { GatewayInstance } from '../../src/core/cloud/types.ts';

const record = (seen: string, calls: number, byStatus?: Record<string, number>): GatewayInstance =>
  ({
    id: 'i', hostname: 'h', ip: '127.0.0.1', domain: '', api_calls: calls, version: '3.13', etcd_reachable: true, config_version: 1,
    last_seen_time: seen, register_time: '2026-12-01T07:00:00Z', status: 'Healthy',
    ...(byStatus ? { metrics: { updated_at: seen, requests_by_status: byStatus, total_requests: 0 } } : {}),
  }) as GatewayInstance;

test('statusDelta counts each code since the previous record; a counter that went down starts again', () => {
  assert.deepEqual(statusDelta({ '200': 5 }, { '200': 8, '502': 1 }), { '200': 3, '502': 1 });
  assert.deepEqual(statusDelta({ '200': 5 }, { '200': 2 }), { '200': 2 });
  assert.equal(statusDelta(undefined, undefined), undefined);
});

test('the sampler records requests by status per heartbeat, starting at nothing', () => {
  let changed = 0;
  const s = new InstanceSampler({ clusterId: async () => 'c', instanceId: () => 'i' }, { metrics: () => (changed += 1), applied: () => undefined });
  s.observe(record('2026-12-01T07:00:00Z', 4, { '200': 4 }));
  s.observe(record('2026-12-01T07:00:10Z', 7, { '200': 5, '502': 2 }));
  s.observe(record('2026-12-01T07:00:20Z', 7));
  assert.deepEqual(s.apiCalls(), [
    { at: '2026-12-01T07:00:00Z', calls: 0, byStatus: {} },
    { at: '2026-12-01T07:00:10Z', calls: 3, byStatus: { '200': 1, '502': 2 } },
    { at: '2026-12-01T07:00:20Z', calls: 0 },
  ]);
  assert.equal(changed, 3);
});
