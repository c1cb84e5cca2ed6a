import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeStatusNotifierWatcher, trayHostAvailable } from '../../src/shell/tray-host.ts';

// A private dbus-daemon (Debian's dbus-daemon, pulled in by gnome-keyring in .ci/run) stands in for a
// desktop session bus that has no StatusNotifier watcher: GNOME without the AppIndicator extension.
test('the StatusNotifier probe asks a real session bus: no watcher there, and no bus at all', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gt-dbus-'));
  const address = `unix:path=${join(dir, 'bus')}`;
  const bus = spawn('dbus-daemon', ['--session', `--address=${address}`, '--nofork', '--print-address=1'], { stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    await new Promise<void>((resolve, reject) => {
      bus.once('error', reject);
      bus.stdout.once('data', () => resolve());
    });
    const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: address };
    // The bus answers at all (so a no-watcher answer below is the bus's word, not a broken setup).
    await new Promise<void>((resolve, reject) =>
      execFile('dbus-send', ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus.GetId'], { env }, (err) => (err ? reject(err) : resolve())),
    );
    assert.equal(await probeStatusNotifierWatcher(env), 'no-watcher');
    assert.equal(trayHostAvailable({ platform: 'linux', watcher: await probeStatusNotifierWatcher(env) }), false);
    assert.equal(await probeStatusNotifierWatcher({ ...process.env, DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(dir, 'missing')}` }), 'probe-failed');
  } finally {
    bus.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});
