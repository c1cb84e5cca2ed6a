import { test } from 'node:test';
import assert from 'node:assert/strict';
import { basename, resolve } from 'node:path';
import type { GatewayStatus, OverallState } from '../../src/core/status/gateway-status.ts';
import { trayModel, type TrayCommand } from '../../src/core/tray/tray-model.ts';
import { TrayController } from '../../src/shell/tray-controller.ts';
import { loadTrayIcon, trayIconFiles } from '../../src/shell/tray-icon.ts';
import { quitMenuLabel } from '../../src/shell/quit-policy.ts';
import { createFakeElectron, type FakeElectron } from '../helpers/fake-electron.ts';

const iconDir = resolve(import.meta.dirname, '../../assets/tray');
const states: OverallState[] = ['stopped', 'starting', 'healthy', 'degraded', 'lost', 'error'];

function status(state: OverallState, extra: Partial<GatewayStatus> = {}): GatewayStatus {
  const running = state !== 'stopped';
  return {
    state,
    reasons: state === 'healthy' ? [{ code: 'healthy', message: 'Registered and heartbeating.' }] : [{ code: `why-${state}`, message: `Because ${state}` }],
    profile: 'local',
    engine: { ready: true },
    ...(running ? { containerId: 'c0ffee', ports: { http: 19080 } } : {}),
    at: Date.parse('2026-11-27T09:00:00Z'),
    ...extra,
  };
}

function controller(fake: FakeElectron, initial: GatewayStatus, commands: TrayCommand[] = [], clicks: string[] = []) {
  return new TrayController(
    {
      createTray: fake.createTray,
      menu: fake.menu,
      nativeImage: fake.nativeImage,
      nativeTheme: fake.nativeTheme,
      iconDir,
      onCommand: (c) => commands.push(c),
      onClick: () => clicks.push('click'),
      quitLabel: (s) => quitMenuLabel('stop-gateway', s),
    },
    initial,
  );
}

test('each state sets its own icon (with the @2x representation), tooltip and a menu built from trayModel', () => {
  for (const state of states) {
    const fake = createFakeElectron();
    const s = status(state);
    controller(fake, s);
    const tray = fake.trays[0]!;
    assert.equal(basename(tray.image.path), `gateway-${state}.png`, `${state} icon`);
    assert.deepEqual(tray.image.representations.map((r) => r.scaleFactor), [2], `${state} has a 2x variant`);
    assert.ok(tray.image.representations[0]!.bytes > 0);
    const model = trayModel(s);
    assert.equal(tray.toolTip, model.tooltip);
    const menu = tray.menu!;
    assert.deepEqual(menu.template.map((i) => i.id), model.menu.map((i) => i.id), `${state}: the menu is the model's, in order`);
    // Status lines head the menu, as disabled items.
    assert.equal(menu.template[0]!.id, 'status-state');
    assert.equal(menu.template[0]!.enabled, false);
    assert.match(menu.template[0]!.label!, /^Gateway: /);
    for (const item of model.menu) {
      if (item.type === 'action') assert.equal(menu.item(item.id).enabled, item.enabled, `${state}: ${item.id} enabled`);
      if (item.type === 'separator') assert.equal(menu.item(item.id).type, 'separator');
    }
  }
});

test('the status icons differ between states', () => {
  const paths = new Set(states.map((s) => trayIconFiles(iconDir, trayModel(status(s)).iconKey, false).base));
  assert.equal(paths.size, states.length);
});

test('every status change rebuilds the whole menu and resets the icon', () => {
  const fake = createFakeElectron();
  const c = controller(fake, status('stopped'));
  const tray = fake.trays[0]!;
  assert.equal(fake.menus.length, 1);
  c.update(status('starting'));
  c.update(status('healthy'));
  assert.equal(fake.menus.length, 3, 'one new Menu per change');
  assert.equal(tray.menu, fake.menus[2]);
  assert.equal(basename(tray.image.path), 'gateway-healthy.png');
  assert.deepEqual(tray.calls.filter((x) => x === 'setContextMenu').length, 3);
  assert.equal(tray.menu!.item('stop').enabled, true);
  assert.equal(tray.menu!.item('launch').enabled, false);
  c.update(status('stopped'));
  assert.equal(tray.menu!.item('launch').enabled, true);
  assert.equal(tray.menu!.item('stop').enabled, false);
});

test('a dark system theme picks the -dark icons, and a theme switch re-renders at once', () => {
  const fake = createFakeElectron();
  fake.nativeTheme.shouldUseDarkColors = true;
  controller(fake, status('lost'));
  const tray = fake.trays[0]!;
  assert.equal(basename(tray.image.path), 'gateway-lost-dark.png');
  fake.nativeTheme.setDark(false);
  assert.equal(basename(tray.image.path), 'gateway-lost.png');
  assert.equal(fake.menus.length, 2);
});

test('menu items run their command, and a click on the icon opens the window', () => {
  const fake = createFakeElectron();
  const commands: TrayCommand[] = [];
  const clicks: string[] = [];
  controller(fake, status('healthy'), commands, clicks);
  const menu = fake.trays[0]!.menu!;
  for (const id of ['stop', 'restart', 'open-window', 'copy-url', 'quit']) menu.item(id).click!();
  assert.deepEqual(commands, ['stop', 'restart', 'open-window', 'copy-url', 'quit']);
  assert.equal(menu.item('status-state').click, undefined, 'status lines do nothing');
  fake.trays[0]!.click();
  assert.deepEqual(clicks, ['click']);
});

test('the Quit item says what quitting does to a running gateway', () => {
  const fake = createFakeElectron();
  const c = controller(fake, status('healthy'));
  assert.equal(fake.trays[0]!.menu!.item('quit').label, 'Quit Gateway Tray and stop the gateway');
  c.update(status('stopped'));
  assert.equal(fake.trays[0]!.menu!.item('quit').label, 'Quit Gateway Tray');
});

test('dispose destroys the tray and stops listening to theme changes', () => {
  const fake = createFakeElectron();
  const c = controller(fake, status('healthy'));
  c.dispose();
  assert.equal(fake.trays[0]!.destroyed, true);
  assert.equal(fake.nativeTheme.listenerCount('updated'), 0);
});

test('a missing icon file is a clear error, not a blank tray', () => {
  const fake = createFakeElectron();
  assert.throws(() => loadTrayIcon(fake.nativeImage, trayIconFiles('/nonexistent', 'gateway-healthy', false)), /could not be loaded; reinstall/);
});
