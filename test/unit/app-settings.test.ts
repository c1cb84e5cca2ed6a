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
  assert.equal(JSON.parse(readFileSync(store.path, 'utf8')).version, APP_SETTINGS_VERSION);
});

test('step v1 → v2: every value is kept and no etcd image is set (the built-in default applies)', () => {
  const raw = { version: 1, onboarded: true, theme: 'dark', quitBehaviour: 'stop-gateway', autostart: true, notifications: { enabled: false, muted: ['crashed'] } };
  const { settings, fromVersion } = migrateAppSettings(structuredClone(raw));
  assert.equal(fromVersion, 1);
  assert.deepEqual(settings, { ...raw, version: 2 });
  assert.equal('etcdImage' in settings, false);
  const home = freshHome();
  writeFileSync(join(home, 'app-settings.json'), JSON.stringify(raw));
  const store = new AppSettingsStore(home);
  assert.deepEqual(store.takeNotices(), [], 'a v1 file is migrated, not moved aside');
  assert.equal(JSON.parse(readFileSync(store.path, 'utf8')).version, 2, 'and written back as v2');
  assert.equal(store.get().theme, 'dark');
});

test('a v2 file is read as it is, its etcd image included; a bad image makes it unreadable', () => {
  const raw = { version: 2, onboarded: true, theme: 'light', quitBehaviour: 'leave-running', autostart: false, notifications: { enabled: true, muted: [] }, etcdImage: 'registry.local:5000/etcd:v3.5.21' };
  assert.deepEqual(migrateAppSettings(raw), { settings: raw, fromVersion: 2 });
  assert.throws(() => migrateAppSettings({ ...raw, etcdImage: 'not an image' }), /etcdImage/);
});

test('the etcd image is set, validated, and cleared back to the default with an empty string', () => {
  const home = freshHome();
  const store = new AppSettingsStore(home);
  assert.equal(store.get().etcdImage, undefined);
  assert.equal(store.update({ etcdImage: 'mirror.example/coreos/etcd:v3.5.21' }).etcdImage, 'mirror.example/coreos/etcd:v3.5.21');
  assert.equal(new AppSettingsStore(home).get().etcdImage, 'mirror.example/coreos/etcd:v3.5.21', 'kept across stores');
  assert.equal(store.update({ theme: 'dark' }).etcdImage, 'mirror.example/coreos/etcd:v3.5.21', 'other updates leave it alone');
  assert.throws(() => store.update({ etcdImage: 'http://evil/etcd' }));
  assert.throws(() => store.update({ etcdImage: 'a b' }));
  assert.equal(store.update({ etcdImage: '' }).etcdImage, undefined);
  assert.equal('etcdImage' in JSON.parse(readFileSync(store.path, 'utf8')), false);
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
