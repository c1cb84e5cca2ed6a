import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GatewayStatus, OverallState, StatusReason } from '../../src/core/status/gateway-status.ts';
import { DEFAULT_NOTIFICATION_SETTINGS, notificationsFor, pruneHistory, type NotificationRecord } from '../../src/shell/notification-policy.ts';
import { StatusNotifier } from '../../src/shell/notifier.ts';
import { createFakeElectron } from '../helpers/fake-electron.ts';

const T0 = Date.parse('2026-11-27T09:00:00Z');
const MIN = 60_000;

function s(state: OverallState, ...reasons: StatusReason[]): GatewayStatus {
  return { state, reasons, profile: 'local', engine: { ready: true }, containerId: 'c1', at: T0 };
}
const healthy = s('healthy', { code: 'healthy', message: 'Registered and heartbeating.' });
const crashed = s('error', { code: 'crashed', message: 'The gateway exited with code 1; see its logs.', action: 'show-logs' });
const oom = s('error', { code: 'crashed-oom', message: 'The gateway ran out of memory.', action: 'restart' });
const lost = s('lost', { code: 'heartbeat-lost', message: 'The control plane has not heard from the gateway.', action: 'restart' });
const unreachable = s('lost', { code: 'control-plane-unreachable', message: 'No heartbeat has reached the control plane for 45 s.', action: 'restart' });
const expiring = s('degraded', { code: 'cert-expiring', message: "The gateway's certificate expires on 2026-12-01; renew it.", action: 'renew-cert' });
const starting = s('starting', { code: 'registering', message: 'Waiting for the first heartbeat' });
const stopped = s('stopped', { code: 'stopped', message: 'The gateway is stopped.' });

const kinds = (prev: GatewayStatus | undefined, next: GatewayStatus, history: NotificationRecord[] = [], now = T0) =>
  notificationsFor(prev, next, DEFAULT_NOTIFICATION_SETTINGS, now, history).map((n) => n.kind);

test('each kind fires on its transition, with the reason as the body', () => {
  assert.deepEqual(kinds(healthy, crashed), ['crashed']);
  assert.deepEqual(kinds(healthy, oom), ['crashed']);
  assert.deepEqual(kinds(healthy, lost), ['heartbeat-lost']);
  assert.deepEqual(kinds(healthy, unreachable), ['heartbeat-lost']);
  assert.deepEqual(kinds(lost, healthy), ['recovered']);
  assert.deepEqual(kinds(crashed, healthy), ['recovered']);
  assert.deepEqual(kinds(healthy, expiring), ['cert-expiring']);
  const [n] = notificationsFor(healthy, crashed, DEFAULT_NOTIFICATION_SETTINGS, T0, []);
  assert.equal(n!.body, 'The gateway exited with code 1; see its logs.');
});

test('no transition, no notification: first status, repeats and ordinary moves stay quiet', () => {
  assert.deepEqual(kinds(undefined, crashed), [], 'the first status is not a transition');
  assert.deepEqual(kinds(crashed, { ...crashed, at: T0 + 5000 }), []);
  assert.deepEqual(kinds(lost, unreachable), [], 'lost stays lost');
  assert.deepEqual(kinds(expiring, expiring), []);
  assert.deepEqual(kinds(starting, healthy), [], 'a launch finishing is not a recovery');
  assert.deepEqual(kinds(stopped, starting), []);
  assert.deepEqual(kinds(healthy, stopped), [], 'a user stopping the gateway is not a crash');
  assert.deepEqual(kinds(expiring, healthy), [], 'a renewal is not a recovery');
});

test('each kind can be muted, and notifications can be switched off', () => {
  const muted = { enabled: true, muted: ['crashed', 'cert-expiring'] as const };
  assert.deepEqual(notificationsFor(healthy, crashed, { ...muted, muted: [...muted.muted] }, T0, []), []);
  assert.deepEqual(notificationsFor(healthy, expiring, { ...muted, muted: [...muted.muted] }, T0, []), []);
  assert.deepEqual(notificationsFor(healthy, lost, { ...muted, muted: [...muted.muted] }, T0, []).map((n) => n.kind), ['heartbeat-lost']);
  assert.deepEqual(notificationsFor(healthy, lost, { enabled: false, muted: [] }, T0, []), []);
});

test('a flapping gateway notifies once per kind within the window, then again after it', () => {
  const history: NotificationRecord[] = [{ kind: 'heartbeat-lost', at: T0 }];
  assert.deepEqual(kinds(healthy, lost, history, T0 + 2 * MIN), [], 'the same kind 2 min later is dropped');
  assert.deepEqual(kinds(healthy, crashed, history, T0 + 2 * MIN), ['crashed'], 'another kind is not');
  assert.deepEqual(kinds(healthy, lost, history, T0 + 5 * MIN), ['heartbeat-lost'], 'after 5 min it fires again');
  const cert: NotificationRecord[] = [{ kind: 'cert-expiring', at: T0 }];
  assert.deepEqual(kinds(healthy, expiring, cert, T0 + 23 * 60 * MIN), [], 'certificate reminders are daily at most');
  assert.deepEqual(kinds(healthy, expiring, cert, T0 + 24 * 60 * MIN), ['cert-expiring']);
});

test('a burst is capped across kinds', () => {
  const history: NotificationRecord[] = [
    { kind: 'crashed', at: T0 - 9 * MIN },
    { kind: 'recovered', at: T0 - 8 * MIN },
    { kind: 'heartbeat-lost', at: T0 - 7 * MIN },
    { kind: 'recovered', at: T0 - 1 * MIN + 1 },
  ];
  assert.deepEqual(kinds(healthy, expiring, history, T0), [], 'four in ten minutes is the cap');
  assert.deepEqual(kinds(healthy, expiring, history, T0 + 1 * MIN), ['cert-expiring'], 'the oldest left the window');
  assert.equal(pruneHistory(history, T0 + 25 * 60 * MIN).length, 0);
});

test('StatusNotifier shows what the policy decides, once, and a click opens the window', () => {
  const fake = createFakeElectron();
  let now = T0;
  const opened: string[] = [];
  const notifier = new StatusNotifier({ notifications: fake.notifications, settings: () => DEFAULT_NOTIFICATION_SETTINGS, now: () => now, onClick: () => opened.push('window') });
  notifier.observe(healthy);
  assert.equal(fake.notificationsShown.length, 0);
  notifier.observe(lost);
  now += 1000;
  notifier.observe({ ...lost, at: T0 + 1000 });
  now += 1000;
  notifier.observe(healthy);
  now += 1000;
  notifier.observe(lost);
  assert.deepEqual(fake.notificationsShown.map((n) => [n.options.title, n.shown]), [
    ['Gateway heartbeat lost', true],
    ['The gateway recovered', true],
  ]);
  fake.notificationsShown[0]!.click();
  assert.deepEqual(opened, ['window']);
});

test('where notifications are unsupported nothing is shown and nothing throws', () => {
  const fake = createFakeElectron();
  fake.notificationsSupported = false;
  const notifier = new StatusNotifier({ notifications: fake.notifications, settings: () => DEFAULT_NOTIFICATION_SETTINGS, onClick: () => {} });
  notifier.observe(healthy);
  assert.deepEqual(notifier.observe(crashed), []);
  assert.equal(fake.notificationsShown.length, 0);
});
