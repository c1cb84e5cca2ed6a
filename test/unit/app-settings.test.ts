import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { APP_SETTINGS_VERSION, AppSettingsStore, AppSettingsVersionError, DEFAULT_APP_SETTINGS, migrateAppSettings } from '../../src/core/app/app-settings.ts';

const homes: string[] = [];
const freshHome = () => {
  const h = mkdtempSync(join(tmpdir(), 'gt-appset-'));
  homes.push(h);
  return h;
};
after(() => homes.forEach((h) => rmSync(h, { recursive: true, force: true })));

test('step v0 → v1: no file becomes the defaults, not onboarded, and is written at mode 0600', () => {
  const { settings, fromVersion } = migrateAppSettings(undefined);
  assert.equal(fromVersion, 0);
  assert.deepEqual(settings, { version: APP_SETTINGS_VERSION, ...DEFAULT_APP_SETTINGS });
  const home = freshHome();
  const store = new AppSettingsStore(home);
  assert.deepEqual(store.get(), DEFAULT_APP_SETTINGS);
  assert.equal(statSync(store.path).mode & 0o777, 0o600);
  assert.equal(JSON.parse(readFileSync(store.path, 'utf8')).version, 1);
});

test('a v1 file is read as it is', () => {
  const raw = { version: 1, onboarded: true, theme: 'dark', quitBehaviour: 'stop-gateway', autostart: true, notifications: { enabled: false, muted: ['crashed'] } };
  assert.deepEqual(migrateAppSettings(raw), { settings: raw, fromVersion: 1 });
});

test('a newer file is refused and left untouched', () => {
  const home = freshHome();
  const path = join(home, 'app-settings.json');
  const text = JSON.stringify({ version: 99, theme: 'plaid' });
  writeFileSync(path, text);
  assert.throws(() => new AppSettingsStore(home), (e: unknown) => e instanceof AppSettingsVersionError && /newer Gateway Tray/.test(e.message));
  assert.equal(readFileSync(path, 'utf8'), text);
});

test('a corrupt file is moved aside with a notice, and the defaults take over', () => {
  const home = freshHome();
  writeFileSync(join(home, 'app-settings.json'), '{not json');
  const store = new AppSettingsStore(home);
  const notices = store.takeNotices();
  assert.equal(notices.length, 1);
  assert.match(notices[0]!.message, /not valid JSON/);
  assert.ok(readdirSync(home).some((f) => f.startsWith('app-settings.json.') && f !== 'app-settings.json'), 'the old file is kept beside');
  assert.deepEqual(store.get(), DEFAULT_APP_SETTINGS);
});

test('updates are validated, merged, and kept across stores', () => {
  const home = freshHome();
  const store = new AppSettingsStore(home);
  const next = store.update({ theme: 'dark', notifications: { muted: ['crashed', 'crashed', 'recovered'] } });
  assert.deepEqual(next.notifications, { enabled: true, muted: ['crashed', 'recovered'] });
  assert.throws(() => store.update({ theme: 'neon' }));
  assert.throws(() => store.update({ token: 'secret' }));
  assert.equal(new AppSettingsStore(home).get().theme, 'dark');
  assert.ok(existsSync(store.path));
});
