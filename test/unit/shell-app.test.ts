import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { INVOKE_NAMES, invokeChannel, type HandlerTable } from '../../src/contract/ipc-contract.ts';
import type { GatewayStatus, OverallState } from '../../src/core/status/gateway-status.ts';
import { APP_INDEX_URL } from '../../src/shell/app-url.ts';
import { startShell, type ShellOptions } from '../../src/shell/shell-app.ts';
import type { ShellServices, ShellSettings } from '../../src/shell/shell-services.ts';
import { createFakeElectron, type FakeElectron } from '../helpers/fake-electron.ts';
import { waitFor } from '../helpers/wait-for.ts';

const iconDir = resolve(import.meta.dirname, '../../assets/tray');

function status(state: OverallState, code = state === 'healthy' ? 'healthy' : `why-${state}`): GatewayStatus {
  return {
    state,
    reasons: [{ code, message: `Because ${code}` }],
    profile: 'local',
    engine: { ready: true },
    ...(state === 'stopped' ? {} : { containerId: 'c1', ports: { http: 19080 } }),
    at: Date.now(),
  };
}

/** The core as the shell sees it, over a plain EventEmitter; records what the shell asked of it. */
class RecordingServices implements ShellServices {
  readonly events = new EventEmitter();
  readonly calls: string[] = [];
  status: GatewayStatus | undefined = status('healthy');
  current: ShellSettings = { notifications: { enabled: true, muted: [] }, autostart: false, quitBehaviour: 'leave-running' };
  failLaunch = false;
  readonly actions = {
    launch: async () => {
      this.calls.push('launch');
      if (this.failLaunch) throw new Error('Port 9080 is in use by another process; choose another port or stop it');
    },
    stop: async () => {
      this.calls.push('stop');
      await new Promise((r) => setImmediate(r));
      this.calls.push('stopped');
    },
    restart: async () => void this.calls.push('restart'),
    renewCertificate: async () => void this.calls.push('renew'),
  };
  currentStatus = () => this.status;
  probeNow = async () => void this.calls.push('probe');
  settings = () => this.current;
  onStatus(listener: (s: GatewayStatus) => void) {
    this.events.on('status', listener);
    return () => void this.events.off('status', listener);
  }
  onSettings(listener: (s: ShellSettings) => void) {
    this.events.on('settings', listener);
    return () => void this.events.off('settings', listener);
  }
  push(next: GatewayStatus): void {
    this.status = next;
    this.events.emit('status', next);
  }
  change(patch: Partial<ShellSettings>): void {
    this.current = { ...this.current, ...patch };
    this.events.emit('settings', this.current);
  }
}

function handlers(): HandlerTable {
  return Object.fromEntries(INVOKE_NAMES.map((n) => [n, async () => ({ from: n })])) as unknown as HandlerTable;
}

function boot(overrides: Partial<ShellOptions> & { fake?: FakeElectron } = {}) {
  const fake = overrides.fake ?? createFakeElectron();
  const services = (overrides.services as RecordingServices | undefined) ?? new RecordingServices();
  const home = mkdtempSync(join(tmpdir(), 'gt-shell-'));
  const shutdowns: string[] = [];
  const shell = startShell(fake, {
    services,
    handlers: handlers(),
    paths: { iconDir, preload: '/app/dist/preload.cjs', rendererDir: join(home, 'renderer') },
    trayAvailable: true,
    platform: 'linux',
    argv: ['electron', '.'],
    env: {},
    home,
    shutdown: async () => void shutdowns.push('shutdown'),
    ...overrides,
  });
  return { fake, services, home, shell, shutdowns, done: () => rmSync(home, { recursive: true, force: true }) };
}

test('startup: IPC, the app protocol, a tray showing the current status, and a visible hardened window', async () => {
  const { fake, shell, done } = boot();
  try {
    assert.equal(fake.ipcMain.handlers.size, INVOKE_NAMES.length);
    assert.ok(fake.protocol.handlers.has('gateway-tray'));
    assert.equal(fake.trays.length, 1);
    assert.equal(fake.trays[0]!.menu!.item('status-state').label, 'Gateway: Healthy (local)');
    assert.equal(fake.windows.length, 1);
    const win = fake.windows[0]!;
    assert.equal(win.options.webPreferences?.sandbox, true);
    assert.equal(win.visible, true);
    assert.equal(win.webContents.getURL(), APP_INDEX_URL);
    assert.equal(win.webContents.navigate('https://evil.example/'), false, 'the window is hardened by the shell itself');
    assert.deepEqual(await fake.ipcMain.invoke({ frameUrl: APP_INDEX_URL }, invokeChannel('getInfo')), { ok: true, value: { from: 'getInfo' } });
    assert.equal(shell.trayAvailable, true);
  } finally {
    done();
  }
});

test('a login start (--hidden) creates the window without showing it', () => {
  const { fake, done } = boot({ argv: ['gateway-tray', '--hidden'] });
  try {
    assert.equal(fake.windows[0]!.visible, false);
  } finally {
    done();
  }
});

test('status changes rebuild the tray and notify on transitions only', () => {
  const { fake, services, done } = boot();
  try {
    services.push(status('lost', 'heartbeat-lost'));
    services.push({ ...status('lost', 'heartbeat-lost'), at: Date.now() + 1 });
    services.push(status('healthy'));
    assert.equal(fake.menus.length, 4, 'one menu at start and one per change');
    assert.equal(fake.trays[0]!.menu!.item('status-state').label, 'Gateway: Healthy (local)');
    assert.deepEqual(fake.notificationsShown.map((n) => n.options.title), ['Gateway heartbeat lost', 'The gateway recovered']);
  } finally {
    done();
  }
});

test('tray actions reach the core; a failure is shown, and copy-url fills the clipboard', async () => {
  const { fake, services, done } = boot();
  try {
    services.push(status('stopped'));
    services.failLaunch = true;
    fake.trays[0]!.menu!.item('launch').click!();
    await waitFor(() => fake.notificationsShown.length === 1, { what: 'the launch failure notification', timeoutMs: 2000 });
    assert.match(fake.notificationsShown[0]!.options.body, /Port 9080 is in use/);
    assert.deepEqual(services.calls, ['launch']);
    services.push(status('healthy'));
    fake.trays[0]!.menu!.item('copy-url').click!();
    fake.trays[0]!.menu!.item('restart').click!();
    await waitFor(() => services.calls.includes('restart'), { what: 'restart', timeoutMs: 2000 });
    assert.deepEqual(fake.clipboardText, ['http://127.0.0.1:19080']);
    fake.windows[0]!.hide();
    fake.trays[0]!.menu!.item('open-window').click!();
    assert.equal(fake.windows[0]!.visible, true);
  } finally {
    done();
  }
});

test('turning autostart on writes the XDG entry in HOME; a quit-behaviour change relabels Quit', () => {
  const { fake, services, home, done } = boot();
  try {
    const entry = join(home, '.config', 'autostart', 'gateway-tray.desktop');
    assert.equal(existsSync(entry), false);
    services.change({ autostart: true });
    assert.match(readFileSync(entry, 'utf8'), /^Exec=.* --hidden$/m);
    services.change({ autostart: false });
    assert.equal(existsSync(entry), false);
    assert.equal(fake.trays[0]!.menu!.item('quit').label, 'Quit Gateway Tray (the gateway keeps running)');
    services.change({ quitBehaviour: 'stop-gateway' });
    assert.equal(fake.trays[0]!.menu!.item('quit').label, 'Quit Gateway Tray and stop the gateway');
  } finally {
    done();
  }
});

test('waking from sleep re-probes the status at once', async () => {
  const { fake, services, done } = boot();
  try {
    fake.powerMonitor.emit('resume');
    fake.powerMonitor.emit('unlock-screen');
    await waitFor(() => services.calls.filter((c) => c === 'probe').length === 2, { what: 'two probes', timeoutMs: 2000 });
  } finally {
    done();
  }
});

test('with a tray, closing the window hides it and the app keeps running', () => {
  const { fake, done } = boot();
  try {
    assert.equal(fake.windows[0]!.close(), false);
    assert.equal(fake.windows[0]!.visible, false);
    fake.app.emit('window-all-closed');
    assert.equal(fake.app.quitRequests, 0);
    fake.app.secondInstanceStarted();
  } finally {
    done();
  }
});

test('without a tray host, closing the window quits, after the core has shut down', async () => {
  const { fake, services, shutdowns, done } = boot({ trayAvailable: false });
  try {
    assert.equal(fake.trays.length, 0);
    fake.windows[0]!.close();
    assert.equal(fake.app.quitRequests, 1);
    await waitFor(() => fake.app.quitCompleted, { what: 'the quit to complete', timeoutMs: 5000 });
    assert.deepEqual(shutdowns, ['shutdown']);
    assert.deepEqual(services.calls, [], 'the default quit behaviour leaves the gateway running');
    assert.equal(fake.ipcMain.handlers.size, 0, 'IPC handlers are removed');
  } finally {
    done();
  }
});

test('quit with "stop-gateway" stops the gateway before the app exits; a second Quit meanwhile is absorbed', async () => {
  const services = new RecordingServices();
  services.current = { ...services.current, quitBehaviour: 'stop-gateway' };
  const { fake, shutdowns, done } = boot({ services });
  try {
    fake.trays[0]!.menu!.item('quit').click!();
    fake.app.quit();
    await waitFor(() => fake.app.quitCompleted, { what: 'the quit to complete', timeoutMs: 5000 });
    assert.deepEqual(services.calls, ['stop', 'stopped']);
    assert.deepEqual(shutdowns, ['shutdown']);
    assert.equal(fake.trays[0]!.destroyed, true);
    assert.equal(fake.app.quitRequests, 3, 'two user quits and the final one after cleanup');
  } finally {
    done();
  }
});

test('a tray that cannot be created means no tray: the window is shown and closing it quits', async () => {
  const fake = createFakeElectron();
  fake.createTray = () => {
    throw new Error('no StatusNotifier host');
  };
  const logs: string[] = [];
  const { shell, done } = boot({ fake, argv: ['gt', '--hidden'], log: (m) => logs.push(m) });
  try {
    assert.equal(shell.trayAvailable, false);
    assert.equal(fake.windows[0]!.visible, true, 'a hidden start without a tray would leave nothing on screen');
    assert.ok(logs.some((l) => /closing the window will quit/.test(l)));
    fake.windows[0]!.close();
    await waitFor(() => fake.app.quitCompleted, { what: 'the quit to complete', timeoutMs: 5000 });
  } finally {
    done();
  }
});
