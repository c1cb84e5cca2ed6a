import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { WatchTracker } from '../../src/control-plane/config-centre/watch-tracker.ts';
import type { InstanceRecord } from '../../src/control-plane/registry/instance.ts';
import { InstanceRegistry } from '../../src/control-plane/registry/registry.ts';
import { DEFAULT_THRESHOLDS } from '../../src/control-plane/registry/status.ts';
import { renderStartupTemplate } from '../../src/control-plane/template/apisix-config.ts';

function registryAt(nowMs: { v: number }) {
  return new InstanceRegistry({ now: () => nowMs.v }, DEFAULT_THRESHOLDS, new WatchTracker());
}

function remote(more: Partial<InstanceRecord>): InstanceRecord {
  return {
    id: 'gw-1', hostname: 'h-remote', ip: '10.0.0.2', domain: 'd', version: 'APISIX/3.13.0', agentVersion: '1', runId: 'r',
    ports: ['9080'], apiCalls: 0, etcdReachable: true, configVersion: 0, appliedRevision: 0, registeredAtMs: 0, lastSeenMs: 0,
    certSerial: 'aa', certNotAfterMs: 0, certBound: false, metrics: null, ...more,
  };
}

const beat = { id: 'gw-1', hostname: 'h-local', apiCalls: 5, etcdReachable: true, certSerial: 'bb', certNotAfterMs: 9e12 };

test('a record from another replica keeps the earliest registration, the latest sighting, and growing counters', () => {
  const now = { v: 10_000 };
  const reg = registryAt(now);
  reg.heartbeat(beat);
  const merged = reg.absorb(remote({ registeredAtMs: 4_000, lastSeenMs: 12_000, apiCalls: 3, certBound: true }));
  assert.equal(merged.registeredAtMs, 4_000, 'one registration time: the first');
  assert.equal(merged.lastSeenMs, 12_000);
  assert.equal(merged.hostname, 'h-remote', 'what the latest beat said');
  assert.equal(merged.apiCalls, 5, 'counters never go back');
  assert.equal(merged.certBound, true, 'once bound, bound on every replica');
  assert.equal(reg.list().length, 1);
});

test('an older record from another replica changes nothing this replica saw later', () => {
  const now = { v: 20_000 };
  const reg = registryAt(now);
  reg.heartbeat(beat);
  const merged = reg.absorb(remote({ registeredAtMs: 19_000, lastSeenMs: 15_000, apiCalls: 1 }));
  assert.equal(merged.lastSeenMs, 20_000);
  assert.equal(merged.hostname, 'h-local');
  assert.equal(merged.registeredAtMs, 19_000, 'the earlier registration still wins');
  // The next beat here builds on the merged record: no second registration.
  now.v = 30_000;
  const { registered, record } = reg.heartbeat(beat);
  assert.equal(registered, false);
  assert.equal(record.registeredAtMs, 19_000);
  assert.equal(record.apiCalls, 10);
});

test('an instance deleted at another replica is forgotten here', () => {
  const reg = registryAt({ v: 1 });
  reg.absorb(remote({ lastSeenMs: 1 }));
  assert.equal(reg.has('gw-1'), true);
  reg.forget('gw-1');
  assert.equal(reg.has('gw-1'), false);
});

test('the startup template lists every data-plane address in order, and one address by default', () => {
  const base = { advertiseHost: 'host.docker.internal', dataPlanePort: 7443, domain: 'cp.example', prefix: '/apisix' };
  const single = parse(renderStartupTemplate(base)) as { deployment: { etcd: { host: string[] } } };
  assert.deepEqual(single.deployment.etcd.host, ['https://host.docker.internal:7443']);
  const team = parse(renderStartupTemplate({ ...base, addresses: [{ host: 'cp-a.example', port: 7443 }, { host: 'fd00::2', port: 7444 }] })) as typeof single;
  assert.deepEqual(team.deployment.etcd.host, ['https://cp-a.example:7443', 'https://[fd00::2]:7444']);
});
