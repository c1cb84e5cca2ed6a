import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAgentStatus } from '../../src/core/status/agent-status-source.ts';
import { instanceFactsOf } from '../../src/core/status/instance-source.ts';

test('the agent status file is validated; what it is not stays out', () => {
  const ok = parseAgentStatus(JSON.stringify({
    instance_id: 'abc', run_id: 'r1', registered_at: '2026-01-01T00:00:00Z', last_attempt_at: '2026-01-01T00:00:10Z',
    last_success_at: '2026-01-01T00:00:10Z', consecutive_failures: 0, last_error: null, heartbeat_interval_s: 10,
  }));
  assert.equal(ok?.instance_id, 'abc');
  assert.equal(ok?.registered_at, '2026-01-01T00:00:00Z');
  // Before the first heartbeat the agent writes nulls.
  const early = parseAgentStatus('{"instance_id":null,"run_id":"r","consecutive_failures":2,"last_error":"connection refused","heartbeat_interval_s":10}');
  assert.equal(early?.instance_id, '');
  assert.equal(early?.registered_at, null);
  assert.equal(early?.last_error, 'connection refused');
  assert.equal(parseAgentStatus('not json'), undefined);
  assert.equal(parseAgentStatus('{"consecutive_failures": -1}'), undefined);
  assert.equal(parseAgentStatus('[]'), undefined);
});

test("the control plane's instance record becomes status facts; an unknown status is not taken as healthy", () => {
  const base = { id: 'i', hostname: 'h', ip: '1', domain: 'd', api_calls: 0, version: 'v', etcd_reachable: true, config_version: 0, last_seen_time: 'T2', register_time: 'T1' };
  assert.deepEqual(instanceFactsOf({ ...base, status: 'Healthy' }), { status: 'Healthy', registerTime: 'T1', lastSeenTime: 'T2' });
  assert.equal(instanceFactsOf({ ...base, status: 'Something New' }).status, 'Lost Connection');
});
