import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeStatus } from '../../src/cli/commands/status.ts';
import { deriveStatus } from '../../src/core/status/derive-status.ts';

const now = Date.parse('2026-05-01T10:00:00Z');

test('a stopped gateway: the status line, its reason, and the command that fixes it', () => {
  const s = deriveStatus({ now, profile: 'dev', engine: { ready: true }, container: null, agent: null, instance: null, certificate: null });
  assert.deepEqual(describeStatus(s), ['Gateway: Stopped (dev)', 'The gateway is not running.', 'What to do:', '  → gateway-tray launch']);
});

test('a healthy gateway: ids, registration, heartbeat age and certificate, and nothing to do', () => {
  const s = deriveStatus({
    now,
    profile: 'local',
    engine: { ready: true, endpoint: 'unix:///var/run/docker.sock' },
    container: { id: 'a1a060779a18ffff', state: 'running', startedAt: now - 60_000, module: 'api7' },
    agent: null,
    instance: { status: 'Healthy', registerTime: '2026-05-01T09:59:00Z', lastSeenTime: '2026-05-01T09:59:55Z' },
    certificate: { notBefore: now - 1000, notAfter: now + 90 * 86_400_000, needsRenewal: false },
    instanceId: '80140801-b709-4314-b5a0-59b432c500ab',
  });
  const lines = describeStatus(s);
  assert.equal(lines[0], 'Gateway: Healthy (local)');
  assert.ok(lines.includes('  Container          a1a060779a18'));
  assert.ok(lines.includes('  Module             api7'), 'the module the container runs');
  assert.ok(lines.includes('  Last heartbeat     2026-05-01T09:59:55Z (5 s ago)'));
  assert.equal(lines.filter((l) => l.includes('heartbeat')).length, 1, 'the heartbeat is shown once');
  assert.ok(!lines.includes('What to do:'));
});
