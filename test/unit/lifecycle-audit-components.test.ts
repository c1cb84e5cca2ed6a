/**
 * Issue 10: "etcd down shows config-centre-down with no action" and "the UI gets a Components view:
 * state, pid or container, port, log, restart". The status's config-centre-down reason says "See the
 * components"; the etcd card there must then say etcd is down, not Ready.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { INVOKES, type ComponentStateView, type StatusSnapshot } from '../../src/contract/ipc-contract.ts';
import { componentViews } from '../../renderer/src/components/component-views.ts';

const snapshot = (reasons: StatusSnapshot['status']['reasons'], state = 'degraded') =>
  ({
    status: { state, reasons, profile: 'local', engine: { ready: true, endpoint: 'unix:///var/run/docker.sock' }, containerId: 'abcdef1234567890', containerState: 'running', ports: { http: 9080 }, at: 0 },
    profile: { name: 'local', kind: 'local', image: 'apache/apisix:3.13.0-debian', ports: { proxyHttp: 9080, proxyHttps: 9443, control: 9090, prometheus: 9091 }, module: 'auto', isDefault: true },
    gatewayUrl: 'http://127.0.0.1:9080',
    settings: { onboarded: true, theme: 'system', quitBehaviour: 'leave-running', autostart: false, notifications: { enabled: true, muted: [] } },
  }) as unknown as StatusSnapshot;

const card = (s: StatusSnapshot, id: string) => componentViews(s).find((v) => v.id === id)!;

test('config-centre-down: the etcd card says etcd is unavailable; the control plane itself still answers', () => {
  const down = snapshot([{ code: 'config-centre-down', reason: 'config-centre-down', message: 'etcd does not answer', action: 'launch' }]);
  assert.equal(card(down, 'etcd').tone, 'bad');
  assert.equal(card(down, 'etcd').stateLabel, 'components.unavailable');
  assert.equal(card(down, 'control-plane').tone, 'ok', 'the control plane answers; only its config centre is down');
  const healthy = snapshot([{ code: 'healthy', message: 'Registered and heartbeating.' }], 'healthy');
  assert.equal(card(healthy, 'etcd').tone, 'ok');
});

const supervised: ComponentStateView[] = [
  { id: 'control-plane', phase: 'running', restartable: false, owner: 'this-app', restarts: 0, since: '2026-12-01T10:00:00Z', pid: 4242, url: 'http://127.0.0.1:7443', port: 7443 },
  { id: 'etcd', phase: 'failed', reason: 'etcd could not be started again: port taken', restartable: true, owner: 'this-app', restarts: 2, since: '2026-12-01T10:00:00Z', pid: 4343, url: 'https://127.0.0.1:2379', port: 2379, logFile: '/home/u/.gateway-tray/etcd/etcd.log' },
];

test("each component card shows the supervisor's state, its pid or container, its port, its log and a restart where it is ours", () => {
  const views = componentViews(snapshot([{ code: 'healthy', message: '' }], 'healthy'), supervised);
  for (const id of ['control-plane', 'etcd']) {
    const keys = views.find((v) => v.id === id)!.facts.map(([k]) => k as string);
    assert.ok(keys.some((k) => /pid|container/.test(k)), `${id}: pid or container`);
    assert.ok(keys.some((k) => /port|address/.test(k)), `${id}: port`);
    assert.ok(keys.some((k) => /log/.test(k)), `${id}: log`);
  }
  const etcd = card(snapshot([{ code: 'healthy', message: '' }], 'healthy'), 'etcd');
  assert.equal(etcd.restartable, undefined, 'without a supervisor snapshot no Restart is offered');
  const e = views.find((v) => v.id === 'etcd')!;
  assert.equal(e.stateLabel, 'components.phase.failed');
  assert.equal(e.tone, 'bad');
  assert.equal(e.detail, 'etcd could not be started again: port taken');
  assert.equal(e.restartable, true);
  assert.deepEqual(e.facts.find(([k]) => k === 'components.pid'), ['components.pid', '4343']);
  assert.deepEqual(e.facts.find(([k]) => k === 'components.log'), ['components.log', '/home/u/.gateway-tray/etcd/etcd.log']);
  const cp = views.find((v) => v.id === 'control-plane')!;
  assert.equal(cp.restartable, false, 'the control plane hosted in the app is the app: state only');
  assert.equal(cp.stateLabel, 'components.phase.running');
});

test('the status saw the config centre go down before the supervisor looked: the etcd card says unavailable', () => {
  const running = supervised.map((c) => (c.id === 'etcd' ? { ...c, phase: 'running' as const, reason: undefined } : c)) as ComponentStateView[];
  const down = snapshot([{ code: 'config-centre-down', reason: 'config-centre-down', message: 'etcd does not answer', action: 'launch' }]);
  const e = componentViews(down, running).find((v) => v.id === 'etcd')!;
  assert.equal(e.tone, 'bad');
  assert.equal(e.stateLabel, 'components.unavailable');
});

test('restartComponent takes etcd or control-plane, and nothing else', () => {
  assert.equal(INVOKES.restartComponent.arg.safeParse({ id: 'etcd' }).success, true);
  assert.equal(INVOKES.restartComponent.arg.safeParse({ id: 'gateway' }).success, false);
  assert.equal(INVOKES.restartComponent.arg.safeParse({ id: 'etcd', force: true }).success, false);
  assert.equal(INVOKES.components.arg.safeParse(undefined).success, true);
});
