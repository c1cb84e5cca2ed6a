/**
 * Every status code is known to the notification policy and to the translations: one world per code
 * drives deriveStatus, the codes those worlds produce must be exactly STATUS_CODES (so a code added to
 * derive-status without a world here, or listed but never produced, fails), and each one's notification
 * (or deliberate silence) is checked against the policy's table and the i18n strings.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isMessageKey } from '../../src/contract/i18n.ts';
import { deriveStatus } from '../../src/core/status/derive-status.ts';
import type { GatewayStatus } from '../../src/core/status/gateway-status.ts';
import { STATUS_CODES, type StatusCode } from '../../src/core/status/status-codes.ts';
import type { AgentStatusFile, StatusInputs } from '../../src/core/status/status-inputs.ts';
import { DEFAULT_NOTIFICATION_SETTINGS, NOTIFY_BY_CODE, notificationsFor } from '../../src/shell/notification-policy.ts';

const NOW = Date.parse('2026-11-27T10:00:00Z');
const iso = (msAgo: number) => new Date(NOW - msAgo).toISOString();
const agent = (over: Partial<AgentStatusFile> = {}): AgentStatusFile => ({
  instance_id: 'i-1',
  run_id: 'r-1',
  registered_at: iso(60_000),
  last_attempt_at: iso(2_000),
  last_success_at: iso(2_000),
  consecutive_failures: 0,
  last_error: null,
  heartbeat_interval_s: 10,
  ...over,
});
const world = (over: Partial<StatusInputs> = {}): StatusInputs => ({
  now: NOW,
  profile: 'local',
  engine: { ready: true },
  container: { id: 'c1', state: 'running', startedAt: NOW - 600_000 },
  agent: agent(),
  instance: { status: 'Healthy', registerTime: iso(60_000), lastSeenTime: iso(2_000) },
  certificate: { notBefore: NOW - 86_400_000, notAfter: NOW + 80 * 86_400_000, needsRenewal: false },
  ...over,
});
const unregistered = { registered_at: null, last_success_at: null };

/** One world per code; the code named is the first reason that world shows. */
const WORLDS: Array<[StatusCode, StatusInputs]> = [
  ['engine-unavailable', world({ engine: { ready: false, reason: 'Docker is not running' } })],
  ['launching', world({ launching: { stage: 'pull' } })],
  ['checking', world({ container: undefined })],
  ['not-running', world({ container: null })],
  ['crashed-oom', world({ container: { id: 'c1', state: 'exited', exitCode: 137, oomKilled: true } })],
  ['crashed', world({ container: { id: 'c1', state: 'exited', exitCode: 1 } })],
  ['stopped', world({ container: { id: 'c1', state: 'exited', exitCode: 0 } })],
  ['not-started', world({ container: { id: 'c1', state: 'created' } })],
  ['crash-loop', world({ container: { id: 'c1', state: 'restarting', exitCode: 1 } })],
  ['restarting', world({ container: { id: 'c1', state: 'restarting' } })],
  ['paused', world({ container: { id: 'c1', state: 'paused' }, instance: { status: 'Lost Connection', lastSeenTime: iso(60_000) } })],
  ['cert-expired', world({ certificate: { notBefore: NOW - 2000, notAfter: NOW - 1000, needsRenewal: true } })],
  ['cert-expiring', world({ certificate: { notBefore: NOW - 80_000, notAfter: NOW + 10_000, needsRenewal: true } })],
  ['registering', world({ container: { id: 'c1', state: 'running', startedAt: NOW - 1000 }, agent: agent(unregistered), instance: null })],
  ['never-registered', world({ agent: agent({ ...unregistered, last_error: 'refused' }), instance: null })],
  ['agent-silent', world({ agent: null, instance: null })],
  ['control-plane-unreachable', world({ agent: agent({ last_success_at: iso(60_000) }), instance: 'unreachable' })],
  ['control-plane-unanswered', world({ instance: 'unreachable', controlPlaneProblem: { reason: 'control-plane-unreachable', detail: 'timeout' } })],
  ['token-refused', world({ instance: 'unreachable', controlPlaneProblem: { reason: 'token-refused', detail: '401' } })],
  ['token-missing', world({ instance: 'unreachable', controlPlaneProblem: { reason: 'token-missing', detail: 'no token' } })],
  ['control-plane-down', world({ instance: 'unreachable', controlPlaneProblem: { reason: 'control-plane-down', detail: 'ECONNREFUSED' } })],
  ['unknown-to-control-plane', world({ instance: null })],
  ['heartbeat-lost', world({ instance: { status: 'Lost Connection', lastSeenTime: iso(60_000) } })],
  ['config-centre-down', world({ instance: { status: 'Only Heartbeats', lastSeenTime: iso(2_000) } })],
  ['heartbeat-failing', world({ agent: agent({ consecutive_failures: 4, last_error: 'timeout' }) })],
  ['healthy', world()],
];
// Said beside the gateway's state rather than as its first reason, so looked up among all reasons.
const BESIDE: Array<[StatusCode, StatusInputs]> = [['control-plane-unavailable', world({ container: null, hostProblem: 'etcd did not start' })]];

const derived = new Map<StatusCode, GatewayStatus>();
for (const [code, w] of WORLDS) derived.set(code, deriveStatus(w));
for (const [code, w] of BESIDE) derived.set(code, deriveStatus(w));

test('the worlds produce every status code, and derive-status produces no code that is not listed', () => {
  for (const [code, w] of WORLDS) assert.equal(deriveStatus(w).reasons[0]?.code, code, `the world for ${code}`);
  for (const [code, w] of BESIDE) assert.ok(deriveStatus(w).reasons.some((r) => r.code === code), `the world for ${code}`);
  const produced = new Set([...derived.values()].flatMap((s) => s.reasons.map((r) => r.code)));
  assert.deepEqual([...produced].sort(), [...STATUS_CODES].sort());
});

test('the notification policy names every code, and every kind it uses has its title and the mute list', () => {
  for (const code of STATUS_CODES) {
    assert.ok(Object.hasOwn(NOTIFY_BY_CODE, code), `${code} is not in NOTIFY_BY_CODE`);
    const kind = NOTIFY_BY_CODE[code];
    if (kind) assert.ok(isMessageKey(`notify.${kind}`), `no i18n title notify.${kind} for ${code}`);
  }
  assert.ok(isMessageKey('notify.recovered') && isMessageKey('notify.recovered.body'));
  for (const state of ['stopped', 'starting', 'healthy', 'degraded', 'lost', 'error']) assert.ok(isMessageKey(`tray.state.${state}`), `tray.state.${state}`);
});

test("from healthy, each code's world notifies exactly its kind (or nothing), with its reason as the body", () => {
  const healthy = derived.get('healthy')!;
  for (const [code, status] of derived) {
    const shown = notificationsFor(healthy, status, DEFAULT_NOTIFICATION_SETTINGS, NOW, []);
    const expected = NOTIFY_BY_CODE[code];
    assert.deepEqual(shown.map((n) => n.kind), expected ? [expected] : [], `${code} (${status.state})`);
    if (expected) assert.equal(shown[0]!.body, status.reasons.find((r) => r.code === code)!.message);
    for (const n of shown) assert.ok(n.title.length > 0 && !n.title.startsWith('notify.'));
  }
});

test('a crash loop notifies as a crash, and recovering from it as recovered', () => {
  const loop = derived.get('crash-loop')!;
  assert.deepEqual(notificationsFor(derived.get('healthy')!, loop, DEFAULT_NOTIFICATION_SETTINGS, NOW, []).map((n) => n.kind), ['crashed']);
  assert.deepEqual(notificationsFor(loop, derived.get('healthy')!, DEFAULT_NOTIFICATION_SETTINGS, NOW, []).map((n) => n.kind), ['recovered']);
});

test('a gateway paused for a moment is not news; paused past the lost threshold is a lost heartbeat', () => {
  const moment = deriveStatus(world({ container: { id: 'c1', state: 'paused' } }));
  assert.equal(moment.state, 'degraded');
  assert.deepEqual(notificationsFor(derived.get('healthy')!, moment, DEFAULT_NOTIFICATION_SETTINGS, NOW, []), []);
  assert.deepEqual(notificationsFor(moment, derived.get('paused')!, DEFAULT_NOTIFICATION_SETTINGS, NOW, []).map((n) => n.kind), ['heartbeat-lost']);
});
