import { test } from 'node:test';
import assert from 'node:assert/strict';
import { HeartbeatBody, plainHeartbeat } from '../../src/control-plane/data-plane/heartbeat.ts';

const agent = {
  id: 'gw-1',
  hostname: 'gw-host',
  ip: '172.17.0.2',
  domain: 'gw.local',
  version: 'APISIX/3.13.0',
  api_calls: 3,
  etcd_reachable: true,
  config_version: 0,
  applied_revision: 12,
  agent_version: '1.0.0',
  ports: ['9080', '9443'],
};

const bodies: Record<string, unknown> = {
  'the agent': agent,
  'only an id': { id: 'gw-1' },
  'unknown fields (API7 module)': { ...agent, extra: { a: 1 }, cpu: 0.5 },
  'a string config_version': { ...agent, config_version: '42' },
  'numeric ports': { ...agent, ports: [9080, '9443'] },
  'too many ports': { ...agent, ports: Array.from({ length: 65 }, (_, i) => String(i)) },
  'a long port': { ...agent, ports: ['x'.repeat(17)] },
  'no id': { hostname: 'h' },
  'a bad id': { id: '-gw' },
  'a numeric id': { id: 7 },
  'a long hostname': { ...agent, hostname: 'h'.repeat(256) },
  'a hostname at the limit': { ...agent, hostname: 'h'.repeat(255) },
  'a long ip': { ...agent, ip: '1'.repeat(65) },
  'a long agent_version': { ...agent, agent_version: 'v'.repeat(65) },
  'negative api_calls': { ...agent, api_calls: -1 },
  'fractional api_calls': { ...agent, api_calls: 1.5 },
  'an unsafe integer': { ...agent, applied_revision: 2 ** 53 },
  'a string api_calls': { ...agent, api_calls: '1' },
  'a string etcd_reachable': { ...agent, etcd_reachable: 'yes' },
  'null etcd_reachable': { ...agent, etcd_reachable: null },
  'ports as a string': { ...agent, ports: '9080' },
  'an array': [agent],
  'null': null,
  'a string': 'gw-1',
};

test('the hand check of a heartbeat accepts only what HeartbeatBody accepts, with the same data', () => {
  let taken = 0;
  for (const [name, body] of Object.entries(bodies)) {
    const quick = plainHeartbeat(body);
    const zod = HeartbeatBody.safeParse(body);
    if (quick === undefined) continue;
    taken++;
    assert.ok(zod.success, `${name}: the hand check passed what zod refuses`);
    assert.deepEqual(quick, zod.data, `${name}: the hand check's data differs from zod's`);
  }
  assert.equal(taken, 4, 'the agent, an id only, unknown fields and a hostname at the limit take the quick path');
});

test('what the hand check leaves to zod is every body zod refuses, and the transforming ones', () => {
  for (const [name, body] of Object.entries(bodies)) {
    if (plainHeartbeat(body) !== undefined) continue;
    const zod = HeartbeatBody.safeParse(body);
    const transforms = name === 'a string config_version' || name === 'numeric ports';
    assert.equal(zod.success, transforms, name);
  }
});
