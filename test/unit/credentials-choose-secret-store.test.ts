import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { chooseSecretStore } from '../../src/core/credentials/choose-secret-store.ts';
import type { SafeStorageLike } from '../../src/core/credentials/safe-storage-secret-store.ts';

/** Electron can't start here; this stands in for safeStorage's reporting only (it never encrypts). */
function FakeSafeStorage(backend: string, available = true): SafeStorageLike {
  return {
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString: () => assert.fail('not used by the chooser'),
    decryptString: () => assert.fail('not used by the chooser'),
  };
}

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'gt-choose-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

// No session bus: what a headless server or a CI container looks like.
const noBus = { PATH: process.env.PATH, HOME: '/nonexistent' };

describe('chooseSecretStore', () => {
  test('Electron safeStorage with a real keychain wins, without probing anything', async () => {
    const { store, skipped } = await chooseSecretStore({ home, safeStorage: FakeSafeStorage('gnome_libsecret'), platform: 'linux', env: noBus });
    assert.equal(store.backend().name, 'safe-storage');
    assert.equal(store.backend().secure, true);
    assert.deepEqual(skipped, []);
  });

  test('safeStorage in basic_text is passed over for the encrypted file when no keyring answers, and doctor is told why', async () => {
    const { store, skipped } = await chooseSecretStore({ home, safeStorage: FakeSafeStorage('basic_text'), platform: 'linux', env: noBus });
    assert.equal(store.backend().name, 'encrypted-file');
    assert.equal(skipped.length, 2);
    assert.match(skipped[0]!, /^Electron safeStorage: .*basic_text/);
    assert.match(skipped[1]!, /^Desktop keyring: /);
    assert.match(store.backend().note, /^No OS keyring was usable\. /);
  });

  test('headless Linux without a session bus gets the encrypted file', async () => {
    const { store, skipped } = await chooseSecretStore({ home, platform: 'linux', env: noBus });
    assert.equal(store.backend().name, 'encrypted-file');
    assert.equal(store.backend().secure, false);
    assert.equal(skipped.length, 1);
  });

  test('without secret-tool installed, the reason says which package to install', async () => {
    const { skipped } = await chooseSecretStore({ home, platform: 'linux', env: { PATH: join(home, 'no-bin') } });
    assert.match(skipped[0]!, /secret-tool is not installed \(Debian\/Ubuntu: libsecret-tools\)/);
  });

  test('other platforms without Electron go straight to the encrypted file', async () => {
    const { store, skipped } = await chooseSecretStore({ home, platform: 'darwin', env: noBus });
    assert.equal(store.backend().name, 'encrypted-file');
    assert.deepEqual(skipped, []);
  });

  test('the chosen file store really works', async () => {
    const { store } = await chooseSecretStore({ home, platform: 'linux', env: noBus });
    await store.set('profile:local:token', 't');
    assert.equal(await store.get('profile:local:token'), 't');
  });
});
