import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { FileSecretStore, SECRETS_FILE, SECRETS_KEY_FILE } from '../../src/core/credentials/file-secret-store.ts';
import { SecretStoreError, profileTokenKey } from '../../src/core/credentials/secret-store.ts';

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'gt-secrets-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const TOKEN = 'a7c-token-0123456789abcdef-do-not-leak';
const mode = (path: string) => statSync(path).mode & 0o777;
const fixedNow = () => new Date('2026-11-27T09:00:00Z');

describe('FileSecretStore', () => {
  test('stores, reads back across instances, and deletes', async () => {
    const store = new FileSecretStore({ home });
    assert.equal(await store.get(profileTokenKey('work')), undefined);
    await store.set(profileTokenKey('work'), TOKEN);
    await store.set(profileTokenKey('local'), 'other');
    assert.equal(await new FileSecretStore({ home }).get(profileTokenKey('work')), TOKEN);
    assert.equal(await store.delete(profileTokenKey('work')), true);
    assert.equal(await store.delete(profileTokenKey('work')), false);
    assert.equal(await store.get(profileTokenKey('work')), undefined);
    assert.equal(await store.get(profileTokenKey('local')), 'other');
  });

  test('keeps the random key in its own 0600 file and the token out of every file in plain text', async () => {
    const store = new FileSecretStore({ home });
    await store.set(profileTokenKey('work'), TOKEN);
    assert.deepEqual(readdirSync(home).sort(), [SECRETS_FILE, SECRETS_KEY_FILE]);
    assert.equal(mode(join(home, SECRETS_FILE)), 0o600);
    assert.equal(mode(join(home, SECRETS_KEY_FILE)), 0o600);
    assert.match(readFileSync(join(home, SECRETS_KEY_FILE), 'utf8'), /^[0-9a-f]{64}\n$/);
    const data = readFileSync(join(home, SECRETS_FILE), 'utf8');
    assert.doesNotMatch(data, new RegExp(TOKEN));
    assert.doesNotMatch(data, /profile:work/, 'even key names are encrypted');
    assert.equal(JSON.parse(data).cipher, 'aes-256-gcm');
  });

  test('each save uses a fresh IV', async () => {
    const store = new FileSecretStore({ home });
    await store.set('k', TOKEN);
    const first = JSON.parse(readFileSync(join(home, SECRETS_FILE), 'utf8'));
    await store.set('k', TOKEN);
    const second = JSON.parse(readFileSync(join(home, SECRETS_FILE), 'utf8'));
    assert.notEqual(first.iv, second.iv);
    assert.notEqual(first.data, second.data);
  });

  test('backend() is honest: not secure, and says what it protects against and what not', () => {
    const info = new FileSecretStore({ home, reason: 'No Secret Service answered.' }).backend();
    assert.equal(info.name, 'encrypted-file');
    assert.equal(info.secure, false);
    assert.match(info.note, /^No Secret Service answered\. /);
    assert.match(info.note, /AES-256-GCM/);
    assert.match(info.note, new RegExp(`separate file, ${join(home, SECRETS_KEY_FILE).replaceAll('/', '\\/')}`));
    assert.match(info.note, /protects against the secrets file leaking on its own/);
    assert.match(info.note, /does not protect against any program running as you/);
    assert.match(info.note, /not root/);
  });

  test('a tampered file is moved aside with a notice and not used', async () => {
    const store = new FileSecretStore({ home, now: fixedNow });
    await store.set('k', TOKEN);
    const path = join(home, SECRETS_FILE);
    const envelope = JSON.parse(readFileSync(path, 'utf8'));
    const bytes = Buffer.from(envelope.data, 'base64');
    bytes[0] = bytes[0]! ^ 1;
    envelope.data = bytes.toString('base64');
    const tampered = JSON.stringify(envelope);
    writeFileSync(path, tampered);
    assert.equal(await store.get('k'), undefined);
    const [notice, ...rest] = store.takeNotices();
    assert.equal(rest.length, 0);
    assert.equal(notice!.reason, 'it failed its integrity check: damaged or altered');
    assert.equal(notice!.movedTo, `${path}.corrupt-20261127T090000Z`);
    assert.equal(readFileSync(notice!.movedTo, 'utf8'), tampered, 'kept for recovery');
    await store.set('k', 'new');
    assert.equal(await store.get('k'), 'new');
  });

  test('a missing key file: the data is moved aside, and a new key made only for new data', async () => {
    const store = new FileSecretStore({ home, now: fixedNow });
    await store.set('k', TOKEN);
    const oldKey = readFileSync(join(home, SECRETS_KEY_FILE), 'utf8');
    rmSync(join(home, SECRETS_KEY_FILE));
    assert.equal(await store.get('k'), undefined);
    const [notice] = store.takeNotices();
    assert.match(notice!.message, /its key file .*secrets\.key is missing or unreadable/);
    await store.set('k', 'new');
    assert.notEqual(readFileSync(join(home, SECRETS_KEY_FILE), 'utf8'), oldKey);
  });

  test('a replaced key file is told apart from damage', async () => {
    const store = new FileSecretStore({ home, now: fixedNow });
    await store.set('k', TOKEN);
    writeFileSync(join(home, SECRETS_KEY_FILE), `${'ab'.repeat(32)}\n`, { mode: 0o600 });
    assert.equal(await store.get('k'), undefined);
    assert.match(store.takeNotices()[0]!.reason, /encrypted with another key than the one in/);
  });

  test('a malformed key file and a non-JSON data file are both moved aside', async () => {
    const store = new FileSecretStore({ home, now: fixedNow });
    await store.set('k', TOKEN);
    writeFileSync(join(home, SECRETS_KEY_FILE), 'short');
    assert.equal(await store.get('k'), undefined);
    assert.deepEqual(store.takeNotices().map((n) => n.file).sort(), [join(home, SECRETS_FILE), join(home, SECRETS_KEY_FILE)].sort());
    await store.set('k', 'again');
    assert.equal(await store.get('k'), 'again', 'a fresh key and file after both were moved aside');
    writeFileSync(join(home, SECRETS_FILE), 'garbage');
    await store.set('k', 'third');
    assert.equal(store.takeNotices()[0]!.reason, 'it is not a Gateway Tray secrets file');
    assert.equal(await store.get('k'), 'third');
  });

  test('loose modes on the key and data files are repaired on read', async () => {
    const store = new FileSecretStore({ home });
    await store.set('k', TOKEN);
    chmodSync(join(home, SECRETS_KEY_FILE), 0o644);
    chmodSync(join(home, SECRETS_FILE), 0o666);
    assert.equal(await store.get('k'), TOKEN);
    assert.equal(mode(join(home, SECRETS_KEY_FILE)), 0o600);
    assert.equal(mode(join(home, SECRETS_FILE)), 0o600);
  });

  test('refuses keys that are not simple names', async () => {
    const store = new FileSecretStore({ home });
    for (const key of ['', '../x', 'Profile:A', 'a b', 'x'.repeat(129)]) {
      await assert.rejects(store.set(key, 'v'), SecretStoreError, key);
    }
  });

  test('values round-trip exactly, including unicode and newlines', async () => {
    const store = new FileSecretStore({ home });
    const value = 'línea 1\nlínea 2 🔑 \t';
    await store.set('k', value);
    assert.equal(await new FileSecretStore({ home }).get('k'), value);
  });
});
