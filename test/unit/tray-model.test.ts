import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trayModel, describeAge } from '../../src/core/tray/tray-model.ts';
import type { GatewayStatus, OverallState } from '../../src/core/status/gateway-status.ts';

const NOW = Date.parse('2026-11-27T10:00:00Z');

function status(state: OverallState, over: Partial<GatewayStatus> = {}): GatewayStatus {
  return {
    state,
    reasons: [{ code: state, message: `reason for ${state}` }],
    profile: 'local',
    engine: { ready: true },
    containerId: state === 'stopped' ? undefined : 'c1',
    ports: { http: 9080 },
    at: NOW,
    ...over,
  };
}

const enabled = (m: ReturnType<typeof trayModel>, id: string) => {
  const item = m.menu.find((i) => i.id === id);
  assert.ok(item && item.type === 'action', `menu has ${id}`);
  return item.enabled;
};

test('every state has its own icon and a status line at the top of the menu', () => {
  const states: OverallState[] = ['stopped', 'starting', 'healthy', 'degraded', 'lost', 'error'];
  const icons = new Set(states.map((s) => trayModel(status(s)).iconKey));
  assert.equal(icons.size, states.length);
  for (const s of states) {
    const m = trayModel(status(s));
    assert.equal(m.menu[0]?.type, 'status');
    assert.match(m.menu[0]?.type === 'status' ? m.menu[0].label : '', /^Gateway: /);
    assert.equal(m.menu.at(-1)?.id, 'quit');
  }
});

test('stopped offers launch only; healthy offers stop, restart and the URL', () => {
  const stopped = trayModel(status('stopped'));
  assert.equal(enabled(stopped, 'launch'), true);
  assert.equal(enabled(stopped, 'stop'), false);
  assert.equal(enabled(stopped, 'copy-url'), false);
  const healthy = trayModel(status('healthy', { reasons: [{ code: 'healthy', message: 'ok' }] }));
  assert.equal(enabled(healthy, 'launch'), false);
  assert.equal(enabled(healthy, 'stop'), true);
  assert.equal(enabled(healthy, 'restart'), true);
  assert.equal(enabled(healthy, 'copy-url'), true);
  assert.ok(healthy.menu.some((i) => i.type === 'action' && i.label.includes('http://127.0.0.1:9080')));
});

test('launch is disabled while docker is unavailable', () => {
  assert.equal(enabled(trayModel(status('stopped', { engine: { ready: false } })), 'launch'), false);
});

test('reasons and the heartbeat age are status lines; renew appears only when asked for', () => {
  const m = trayModel(status('degraded', {
    reasons: [{ code: 'cert-expiring', message: 'The certificate expires soon', action: 'renew-cert' }],
    lastHeartbeatAt: new Date(NOW - 4_000).toISOString(),
  }));
  const labels = m.menu.filter((i) => i.type === 'status').map((i) => (i.type === 'status' ? i.label : ''));
  assert.deepEqual(labels, ['Gateway: Degraded (local)', 'The certificate expires soon', 'Last heartbeat: 4 s ago']);
  assert.ok(m.menu.some((i) => i.id === 'renew-cert'));
  assert.ok(!trayModel(status('healthy')).menu.some((i) => i.id === 'renew-cert'));
  assert.match(m.tooltip, /Degraded\nThe certificate expires soon/);
});

test('ages read naturally', () => {
  assert.equal(describeAge(59_000), '59 s ago');
  assert.equal(describeAge(125_000), '2 min ago');
  assert.equal(describeAge(7_300_000), '2 h ago');
});
