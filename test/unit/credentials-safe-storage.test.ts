import assert from 'node:assert/strict';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { SAFE_STORAGE_FILE, SafeStorageSecretStore, type SafeStorageLike } from '../../src/core/credentials/safe-storage-secret-store.ts';
import { SecretStoreError } from '../../src/core/credentials/secret-store.ts';

/**
 * Electron cannot start on this machine (ARCHITECTURE.md), so its safeStorage is stood in for by a
 * fake that really encrypts (AES-256-GCM under a per-"login" key) and can report any Linux backend.
 */
class FakeSafeStorage implements SafeStorageLike {
  readonly key = randomBytes(32);
  calls: string[] = [];
  constructor(
    readonly options: { backend?: string; available?: boolean; withAsync?: boolean; reEncrypt?: boolean } = {},
  ) {
    if (options.withAsync) {
      this.encryptStringAsync = async (plain) => {
        this.calls.push('encryptStringAsync');
        return this.#encrypt(plain);
      };
      this.decryptStringAsync = async (encrypted) => {
        this.calls.push('decryptStringAsync');
        return { result: this.#decrypt(encrypted), shouldReEncrypt: this.options.reEncrypt ?? false };
      };
    }
  }
  encryptStringAsync?: (plain: string) => Promise<Buffer>;
  decryptStringAsync?: (encrypted: Buffer) => Promise<{ result: string; shouldReEncrypt: boolean }>;
  isEncryptionAvailable(): boolean {
    return this.options.available ?? true;
  }
  getSelectedStorageBackend(): string {
    return this.options.backend ?? 'gnome_libsecret';
  }
  encryptString(plain: string): Buffer {
    this.calls.push('encryptString');
    return this.#encrypt(plain);
  }
  decryptString(encrypted: Buffer): string {
    this.calls.push('decryptString');
    return this.#decrypt(encrypted);
  }
  #encrypt(plain: string): Buffer {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from('v10'), iv, cipher.getAuthTag(), body]);
  }
  #decrypt(encrypted: Buffer): string {
    const decipher = createDecipheriv('aes-256-gcm', this.key, encrypted.subarray(3, 15));
    decipher.setAuthTag(encrypted.subarray(15, 31));
    return Buffer.concat([decipher.update(encrypted.subarray(31)), decipher.final()]).toString('utf8');
  }
}

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'gt-safe-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const TOKEN = 'cloud-token-FEDCBA9876543210';

describe('SafeStorageSecretStore', () => {
  test('round-trips through the sync API when that is all there is', async () => {
    const safeStorage = new FakeSafeStorage();
    const store = new SafeStorageSecretStore({ home, safeStorage, platform: 'linux' });
    await store.set('profile:work:token', TOKEN);
    assert.equal(await new SafeStorageSecretStore({ home, safeStorage, platform: 'linux' }).get('profile:work:token'), TOKEN);
    assert.deepEqual(safeStorage.calls, ['encryptString', 'decryptString']);
    assert.equal(await store.delete('profile:work:token'), true);
    assert.equal(await store.get('profile:work:token'), undefined);
  });

  test('prefers the async API, and re-encrypts when safeStorage asks for it', async () => {
    const safeStorage = new FakeSafeStorage({ withAsync: true, reEncrypt: true });
    const store = new SafeStorageSecretStore({ home, safeStorage, platform: 'linux' });
    await store.set('k', TOKEN);
    const before = readFileSync(join(home, SAFE_STORAGE_FILE), 'utf8');
    assert.equal(await store.get('k'), TOKEN);
    assert.notEqual(readFileSync(join(home, SAFE_STORAGE_FILE), 'utf8'), before, 'stored again under the new key');
    assert.deepEqual(safeStorage.calls, ['encryptStringAsync', 'decryptStringAsync', 'encryptStringAsync']);
  });

  test('the file is 0600 and holds no plain token', async () => {
    const store = new SafeStorageSecretStore({ home, safeStorage: new FakeSafeStorage(), platform: 'linux' });
    await store.set('k', TOKEN);
    const path = join(home, SAFE_STORAGE_FILE);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.doesNotMatch(readFileSync(path, 'utf8'), new RegExp(TOKEN));
  });

  test('warns, as not secure, when Linux falls back to basic_text', () => {
    const info = new SafeStorageSecretStore({ home, safeStorage: new FakeSafeStorage({ backend: 'basic_text' }), platform: 'linux' }).backend();
    assert.equal(info.secure, false);
    assert.match(info.note, /fell back to basic_text/);
    assert.match(info.note, /Start gnome-keyring or KWallet/);
  });

  test('secure with a real keyring backend, Keychain or DPAPI; not when the backend is unknown', () => {
    const make = (platform: NodeJS.Platform, backend?: string) =>
      new SafeStorageSecretStore({ home, safeStorage: new FakeSafeStorage(backend ? { backend } : {}), platform }).backend();
    assert.equal(make('linux', 'gnome_libsecret').secure, true);
    assert.match(make('linux', 'kwallet6').note, /desktop keyring \(kwallet6\)/);
    assert.equal(make('darwin').secure, true);
    assert.match(make('darwin').note, /macOS Keychain/);
    assert.equal(make('win32').secure, true);
    assert.equal(make('linux', 'unknown').secure, false);
  });

  test('refuses to store when encryption is not available, saying what to do', async () => {
    const store = new SafeStorageSecretStore({ home, safeStorage: new FakeSafeStorage({ available: false }), platform: 'darwin' });
    assert.equal(store.backend().secure, false);
    await assert.rejects(store.set('k', TOKEN), (error: Error) => error instanceof SecretStoreError && /wait until the app is ready/.test(error.message));
  });

  test('a secret another login encrypted is reported, and kept', async () => {
    await new SafeStorageSecretStore({ home, safeStorage: new FakeSafeStorage(), platform: 'linux' }).set('k', TOKEN);
    const other = new SafeStorageSecretStore({ home, safeStorage: new FakeSafeStorage(), platform: 'linux' });
    await assert.rejects(other.get('k'), /cannot be decrypted with this login's keychain; unlock your keyring, or store the secret again/);
    assert.match(readFileSync(join(home, SAFE_STORAGE_FILE), 'utf8'), /"k"/);
  });

  test('a corrupt file is moved aside with a notice', async () => {
    writeFileSync(join(home, SAFE_STORAGE_FILE), '{"format":"something else"}');
    const store = new SafeStorageSecretStore({ home, safeStorage: new FakeSafeStorage(), platform: 'linux', now: () => new Date('2026-01-02T03:04:05Z') });
    assert.equal(await store.get('k'), undefined);
    const [notice] = store.takeNotices();
    assert.equal(notice!.movedTo, join(home, `${SAFE_STORAGE_FILE}.corrupt-20260102T030405Z`));
    assert.equal(readFileSync(notice!.movedTo, 'utf8'), '{"format":"something else"}');
  });
});
