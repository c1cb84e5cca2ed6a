/** Whether a gateway's config.yaml still names the live data-plane address, and whether a status file is of this run. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configuredDataPlane, staleConfig } from '../../src/core/gateway/config-freshness.ts';
import { confirms } from '../../src/core/gateway/wait-registered.ts';
import type { AgentStatusFile } from '../../src/core/status/status-inputs.ts';

const dir = mkdtempSync(join(tmpdir(), 'gt-fresh-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

const config = (host: string) => `deployment:\n  role: data_plane\n  etcd:\n    host:\n      - ${host}\n    prefix: /apisix\n`;

test('the same config-centre host is fresh; another port, or no readable config, is stale and says both', () => {
  const file = join(dir, 'config.yaml');
  writeFileSync(file, config('https://host.docker.internal:44775'));
  assert.equal(staleConfig(file, ['https://host.docker.internal:44775']), undefined);
  const moved = staleConfig(file, ['https://host.docker.internal:38093']);
  assert.ok(moved);
  assert.deepEqual(moved.configured, ['https://host.docker.internal:44775']);
  assert.match(moved.message, /names https:\/\/host\.docker\.internal:44775, but the control plane now listens at https:\/\/host\.docker\.internal:38093/);
  assert.ok(staleConfig(join(dir, 'missing.yaml'), ['https://host.docker.internal:1']), 'no config: stale');
  writeFileSync(file, 'not: [yaml');
  assert.ok(staleConfig(file, ['https://host.docker.internal:1']), 'an unreadable config: stale');
});

test('the data-plane address and SNI a kept config.yaml names, for the check that goes out before the template', () => {
  const file = join(dir, 'plane.yaml');
  writeFileSync(file, `${config('https://host.docker.internal:44775')}    tls:\n      sni: c1.gateway-tray.local\n`);
  assert.deepEqual(configuredDataPlane(file), { url: 'https://host.docker.internal:44775', sni: 'c1.gateway-tray.local' });
  writeFileSync(file, config('https://host.docker.internal:44775'));
  assert.deepEqual(configuredDataPlane(file), { url: 'https://host.docker.internal:44775' }, 'no SNI: none');
  assert.equal(configuredDataPlane(join(dir, 'missing.yaml')), undefined);
  writeFileSync(file, 'not: [yaml');
  assert.equal(configuredDataPlane(file), undefined);
});

test('a status file confirms a registration only for this instance and this run of the container', () => {
  const started = Date.parse('2026-12-01T10:00:00.000Z');
  const file = (registered_at: string | null, instance_id = 'i1'): AgentStatusFile => ({
    instance_id, run_id: 'r', registered_at, last_attempt_at: registered_at, last_success_at: registered_at, consecutive_failures: 0, last_error: null, heartbeat_interval_s: 10,
  });
  const run = { startedAt: started };
  assert.equal(confirms(file('2026-12-01T10:00:00.400Z'), 'i1', run), true);
  assert.equal(confirms(file('2026-12-01T09:59:59.500Z'), 'i1', run), true, 'within the rounding of the two clocks');
  assert.equal(confirms(file('2026-12-01T09:59:50.000Z'), 'i1', run), false, 'from the run before the restart');
  assert.equal(confirms(file('2026-12-01T10:00:01.000Z', 'other'), 'i1', run), false);
  assert.equal(confirms(file(null), 'i1', run), false);
  assert.equal(confirms(file('2026-12-01T09:00:00.000Z'), 'i1', {}), true, 'no start time known: as before');
  // Started again 300 ms after the run before ended: that run's registration, 100 ms before its end, is
  // within the clocks' allowance but not of this run.
  const again = { startedAt: started, finishedAt: started - 300 };
  assert.equal(confirms(file('2026-12-01T09:59:59.600Z'), 'i1', again), false, 'registered by the run before, which ended after it');
  assert.equal(confirms(file('2026-12-01T09:59:59.800Z'), 'i1', again), true, 'after the run before ended: this run (the two clocks round)');
});
