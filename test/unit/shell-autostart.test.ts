import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  applyAutostart,
  autostartCommand,
  autostartDesktopEntry,
  autostartDir,
  autostartPlan,
  quoteExecArg,
} from '../../src/shell/autostart.ts';
import { createFakeElectron } from '../helpers/fake-electron.ts';

test('a login start runs the AppImage, the packaged binary, or Electron with the app folder, always --hidden', () => {
  assert.deepEqual(autostartCommand({ execPath: '/tmp/.mount_x/gateway-tray', isPackaged: true, appPath: '/tmp/.mount_x/resources/app.asar', env: { APPIMAGE: '/home/dev/Apps/Gateway Tray.AppImage' } }), {
    executable: '/home/dev/Apps/Gateway Tray.AppImage',
    args: ['--hidden'],
  });
  assert.deepEqual(autostartCommand({ execPath: '/opt/Gateway Tray/gateway-tray', isPackaged: true, appPath: '/opt/x/app.asar', env: {} }), { executable: '/opt/Gateway Tray/gateway-tray', args: ['--hidden'] });
  assert.deepEqual(autostartCommand({ execPath: '/repo/node_modules/electron/dist/electron', isPackaged: false, appPath: '/repo', env: { APPIMAGE: '/x' } }), {
    executable: '/repo/node_modules/electron/dist/electron',
    args: ['/repo', '--hidden'],
  });
});

test('Exec arguments are quoted as the Desktop Entry spec asks', () => {
  assert.equal(quoteExecArg('/usr/bin/gateway-tray'), '/usr/bin/gateway-tray');
  assert.equal(quoteExecArg('--hidden'), '--hidden');
  assert.equal(quoteExecArg('/opt/Gateway Tray/gt'), '"/opt/Gateway Tray/gt"');
  assert.equal(quoteExecArg('/opt/100%/gt'), '/opt/100%%/gt');
  assert.equal(quoteExecArg('/a/$HOME/"q"`x`'), '"/a/\\$HOME/\\"q\\"\\`x\\`"');
  assert.throws(() => quoteExecArg('a\nb'), /line break/);
  const entry = autostartDesktopEntry({ executable: '/opt/a\\b/gt', args: ['--hidden'] });
  assert.match(entry, /^Exec="\/opt\/a\\\\\\\\b\/gt" --hidden$/m, 'a literal backslash is written four times');
});

test('the desktop entry is a valid XDG autostart entry that starts hidden', () => {
  const entry = autostartDesktopEntry({ executable: '/home/dev/Apps/Gateway Tray.AppImage', args: ['--hidden'] });
  const lines = entry.trimEnd().split('\n');
  assert.equal(lines[0], '[Desktop Entry]');
  const fields = Object.fromEntries(lines.slice(1).map((l) => l.split(/=(.*)/s).slice(0, 2) as [string, string]));
  assert.deepEqual(fields, {
    Type: 'Application',
    Version: '1.0',
    Name: 'Gateway Tray',
    Comment: 'Local APISIX gateway status in the system tray',
    Exec: '"/home/dev/Apps/Gateway Tray.AppImage" --hidden',
    Terminal: 'false',
    'X-GNOME-Autostart-enabled': 'true',
  });
});

test('the autostart folder follows XDG_CONFIG_HOME when it is absolute', () => {
  assert.equal(autostartDir({}, '/home/dev'), '/home/dev/.config/autostart');
  assert.equal(autostartDir({ XDG_CONFIG_HOME: '/cfg' }, '/home/dev'), '/cfg/autostart');
  assert.equal(autostartDir({ XDG_CONFIG_HOME: 'relative' }, '/home/dev'), '/home/dev/.config/autostart', 'a relative value is invalid per the spec');
});

test('macOS and Windows use login items; other platforms are told plainly', () => {
  const command = { executable: '/x', args: ['--hidden'] };
  for (const platform of ['darwin', 'win32'] as const) {
    assert.deepEqual(autostartPlan({ enabled: true, platform, command, env: {} }), { kind: 'login-item', settings: { openAtLogin: true, openAsHidden: true, args: ['--hidden'] } });
    assert.deepEqual(autostartPlan({ enabled: false, platform, command, env: {} }), { kind: 'login-item', settings: { openAtLogin: false, openAsHidden: false, args: [] } });
  }
  const fake = createFakeElectron();
  applyAutostart(autostartPlan({ enabled: true, platform: 'darwin', command, env: {} }), fake.app);
  assert.deepEqual(fake.app.loginItemCalls, [{ openAtLogin: true, openAsHidden: true, args: ['--hidden'] }]);
  const aix = autostartPlan({ enabled: true, platform: 'aix', command, env: {} });
  assert.equal(aix.kind, 'unsupported');
  assert.throws(() => applyAutostart(aix, fake.app), /not supported on aix/);
});

test('on Linux enabling writes ~/.config/autostart/gateway-tray.desktop, and disabling removes it', () => {
  const home = mkdtempSync(join(tmpdir(), 'gt-autostart-'));
  try {
    const command = autostartCommand({ execPath: '/opt/Gateway Tray/gateway-tray', isPackaged: true, appPath: '/opt/x', env: {} });
    const file = join(home, '.config', 'autostart', 'gateway-tray.desktop');
    const fake = createFakeElectron();
    applyAutostart(autostartPlan({ enabled: false, platform: 'linux', command, env: {}, home }), fake.app);
    assert.equal(existsSync(file), false, 'opt-in: nothing is written while it is off');

    applyAutostart(autostartPlan({ enabled: true, platform: 'linux', command, env: {}, home }), fake.app);
    assert.equal(readFileSync(file, 'utf8'), autostartDesktopEntry(command));
    assert.match(readFileSync(file, 'utf8'), /^Exec="\/opt\/Gateway Tray\/gateway-tray" --hidden$/m);
    assert.equal(statSync(file).mode & 0o777, 0o644);
    applyAutostart(autostartPlan({ enabled: true, platform: 'linux', command, env: {}, home }), fake.app);

    applyAutostart(autostartPlan({ enabled: false, platform: 'linux', command, env: {}, home }), fake.app);
    assert.equal(existsSync(file), false);
    assert.deepEqual(fake.app.loginItemCalls, [], 'Linux does not touch login items');
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});
