import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GatewayStatus } from '../../src/core/status/gateway-status.ts';
import { reprobeOnWake } from '../../src/shell/power-events.ts';
import { closeWindowAction, quitMenuLabel, quitPlan, showWindowAtStart } from '../../src/shell/quit-policy.ts';
import { claimSingleInstance } from '../../src/shell/single-instance.ts';
import { parseWatcherReply, trayHostAvailable } from '../../src/shell/tray-host.ts';
import { createFakeElectron } from '../helpers/fake-electron.ts';
import { waitFor } from '../helpers/wait-for.ts';

const running: GatewayStatus = { state: 'healthy', reasons: [], profile: 'local', engine: { ready: true }, containerId: 'c1', at: 0 };
const stopped: GatewayStatus = { state: 'stopped', reasons: [], profile: 'local', engine: { ready: true }, at: 0 };

test('the quit policy stops the gateway only when the setting says so and one is running', () => {
  assert.deepEqual(quitPlan('stop-gateway', running), { stopGateway: true, summary: 'Quitting stops the gateway container first.' });
  assert.equal(quitPlan('leave-running', running).stopGateway, false);
  assert.match(quitPlan('leave-running', running).summary, /leaves the gateway running/);
  assert.equal(quitPlan('stop-gateway', stopped).stopGateway, false);
  assert.equal(quitPlan('stop-gateway', undefined).stopGateway, false);
  assert.equal(quitPlan('stop-gateway', { ...running, state: 'error', containerId: undefined }).stopGateway, false);
  assert.equal(quitMenuLabel('leave-running', running), 'Quit Gateway Tray (the gateway keeps running)');
});

test('closing the window hides it with a tray, and quits without one', () => {
  assert.equal(closeWindowAction({ trayAvailable: true, quitting: false }), 'hide');
  assert.equal(closeWindowAction({ trayAvailable: false, quitting: false }), 'quit');
  assert.equal(closeWindowAction({ trayAvailable: true, quitting: true }), 'quit');
});

test('a login start stays hidden, but only when a tray can bring the window back', () => {
  assert.equal(showWindowAtStart({ argv: ['gt'], trayAvailable: true }), true);
  assert.equal(showWindowAtStart({ argv: ['gt', '--hidden'], trayAvailable: true }), false);
  assert.equal(showWindowAtStart({ argv: ['gt'], openedAtLogin: true, trayAvailable: true }), false);
  assert.equal(showWindowAtStart({ argv: ['gt', '--hidden'], trayAvailable: false }), true);
});

test('a second start quits at once; the first is told and focuses its window', () => {
  const first = createFakeElectron();
  const focused: string[] = [];
  assert.equal(claimSingleInstance(first.app, () => focused.push('focus')), true);
  first.app.secondInstanceStarted();
  assert.deepEqual(focused, ['focus']);

  const second = createFakeElectron();
  second.app.lockAvailable = false;
  assert.equal(claimSingleInstance(second.app, () => focused.push('never')), false);
  assert.equal(second.app.quitRequests, 1);
  assert.equal(second.app.listenerCount('second-instance'), 0);
});

test('resume and unlock re-probe at once; a failing probe is reported, and disposal stops it', async () => {
  const fake = createFakeElectron();
  let probes = 0;
  const errors: unknown[] = [];
  const stop = reprobeOnWake(fake.powerMonitor, async () => {
    probes += 1;
    if (probes === 3) throw new Error('docker went away');
  }, (e) => errors.push(e));
  fake.powerMonitor.emit('resume');
  fake.powerMonitor.emit('unlock-screen');
  fake.powerMonitor.emit('suspend');
  fake.powerMonitor.emit('resume');
  await waitFor(() => errors.length === 1, { what: 'the failing probe to be reported', timeoutMs: 2000 });
  assert.equal(probes, 3);
  stop();
  fake.powerMonitor.emit('resume');
  assert.equal(probes, 3);
  assert.equal(fake.powerMonitor.listenerCount('resume') + fake.powerMonitor.listenerCount('unlock-screen'), 0);
});

test('a tray host exists on macOS and Windows; on Linux only with a registered StatusNotifier host', () => {
  assert.equal(trayHostAvailable({ platform: 'darwin' }), true);
  assert.equal(trayHostAvailable({ platform: 'win32' }), true);
  assert.equal(trayHostAvailable({ platform: 'linux', watcher: 'host-registered' }), true);
  for (const watcher of ['no-host', 'no-watcher', 'probe-failed'] as const) assert.equal(trayHostAvailable({ platform: 'linux', watcher }), false, watcher);
  assert.equal(trayHostAvailable({ platform: 'linux', watcher: 'no-watcher', override: 'on' }), true);
  assert.equal(trayHostAvailable({ platform: 'darwin', override: 'off' }), false);
  assert.equal(trayHostAvailable({ platform: 'win32', creationFailed: true }), false);
  assert.equal(parseWatcherReply('   variant       boolean true\n'), 'host-registered');
  assert.equal(parseWatcherReply('   variant       boolean false\n'), 'no-host');
  assert.equal(parseWatcherReply('garbage'), 'probe-failed');
});
