import { chmodSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { PRIVATE_FILE_MODE, ensureDir, writeFileAtomic } from './atomic-write.ts';
import { moveAside, type CredentialNotice } from './corrupt-file.ts';
import { SecretStoreError, assertSecretKey, type SecretBackendInfo, type SecretStore } from './secret-store.ts';

/**
 * The part of Electron's `safeStorage` this store uses. The shell passes `safeStorage` itself; core
 * never imports electron. The async methods are preferred when present (Electron 45 deprecates the
 * sync ones).
 */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only: 'basic_text' | 'gnome_libsecret' | 'kwallet' | 'kwallet5' | 'kwallet6' | 'unknown'. */
  getSelectedStorageBackend?(): string;
  encryptStringAsync?(plainText: string): Promise<Buffer>;
  decryptStringAsync?(encrypted: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }>;
}

export const SAFE_STORAGE_FILE = 'secrets.safe-storage.json';

const fileSchema = z.object({
  format: z.literal('gateway-tray-safe-storage'),
  version: z.literal(1),
  entries: z.record(z.string(), z.base64()),
}).strict();

export interface SafeStorageSecretStoreOptions {
  home: string;
  safeStorage: SafeStorageLike;
  platform?: NodeJS.Platform;
  now?: () => Date;
}

/** Secrets encrypted by Electron's safeStorage (Keychain, DPAPI, or the Linux desktop keyring). */
export class SafeStorageSecretStore implements SecretStore {
  readonly path: string;
  readonly #safe: SafeStorageLike;
  readonly #platform: NodeJS.Platform;
  readonly #now: () => Date;
  readonly #notices: CredentialNotice[] = [];

  constructor(options: SafeStorageSecretStoreOptions) {
    this.path = join(options.home, SAFE_STORAGE_FILE);
    this.#safe = options.safeStorage;
    this.#platform = options.platform ?? process.platform;
    this.#now = options.now ?? (() => new Date());
    ensureDir(options.home);
  }

  backend(): SecretBackendInfo {
    const where = `Secrets are in ${this.path}, encrypted by Electron's safeStorage`;
    if (!this.#safe.isEncryptionAvailable()) {
      return { name: 'safe-storage', secure: false, note: `${where}, but encryption is not available yet (the app is not ready, or no keychain answered); nothing can be stored.` };
    }
    if (this.#platform === 'darwin') return { name: 'safe-storage', secure: true, note: `${where} with a key held in the macOS Keychain.` };
    if (this.#platform === 'win32') return { name: 'safe-storage', secure: true, note: `${where} with DPAPI, tied to your Windows login.` };
    const backend = this.#safe.getSelectedStorageBackend?.() ?? 'unknown';
    if (backend === 'basic_text') {
      return {
        name: 'safe-storage',
        secure: false,
        note:
          `${where}, but it fell back to basic_text: no desktop keyring (Secret Service or KWallet) was found, so the ` +
          'key is a fixed one built into Chromium. Anyone who can read that file can decrypt it; its mode 0600 only keeps ' +
          'out other users. Start gnome-keyring or KWallet (or run with --password-store=gnome-libsecret), then store the token again.',
      };
    }
    if (backend === 'unknown') {
      return { name: 'safe-storage', secure: false, note: `${where}, but which keyring protects the key is unknown (asked before the app was ready).` };
    }
    return { name: 'safe-storage', secure: true, note: `${where} with a key held in the desktop keyring (${backend}).` };
  }

  takeNotices(): CredentialNotice[] {
    return this.#notices.splice(0);
  }

  async get(key: string): Promise<string | undefined> {
    assertSecretKey(key);
    const entries = this.#load();
    const stored = entries.get(key);
    if (stored === undefined) return undefined;
    const encrypted = Buffer.from(stored, 'base64');
    try {
      if (this.#safe.decryptStringAsync) {
        const { result, shouldReEncrypt } = await this.#safe.decryptStringAsync(encrypted);
        if (shouldReEncrypt) await this.set(key, result);
        return result;
      }
      return this.#safe.decryptString(encrypted);
    } catch {
      // Kept as is: it may decrypt again once the right keyring is unlocked.
      throw new SecretStoreError(`The secret "${key}" in ${this.path} cannot be decrypted with this login's keychain; unlock your keyring, or store the secret again.`);
    }
  }

  async set(key: string, value: string): Promise<void> {
    assertSecretKey(key);
    if (!this.#safe.isEncryptionAvailable()) {
      throw new SecretStoreError('Electron safeStorage cannot encrypt yet: wait until the app is ready, or unlock your keychain, then try again.');
    }
    const encrypted = this.#safe.encryptStringAsync ? await this.#safe.encryptStringAsync(value) : this.#safe.encryptString(value);
    const entries = this.#load();
    entries.set(key, Buffer.from(encrypted).toString('base64'));
    this.#save(entries);
  }

  async delete(key: string): Promise<boolean> {
    assertSecretKey(key);
    const entries = this.#load();
    if (!entries.delete(key)) return false;
    this.#save(entries);
    return true;
  }

  #load(): Map<string, string> {
    if (!existsSync(this.path)) return new Map();
    if ((statSync(this.path).mode & 0o777) !== PRIVATE_FILE_MODE) chmodSync(this.path, PRIVATE_FILE_MODE);
    try {
      return new Map(Object.entries(fileSchema.parse(JSON.parse(readFileSync(this.path, 'utf8'))).entries));
    } catch {
      this.#notices.push(
        moveAside(this.path, 'it is not a Gateway Tray safeStorage file', 'the tokens it held are not usable until it is recovered: enter them again.', this.#now()),
      );
      return new Map();
    }
  }

  #save(entries: Map<string, string>): void {
    const file = { format: 'gateway-tray-safe-storage', version: 1, entries: Object.fromEntries(entries) };
    writeFileAtomic(this.path, `${JSON.stringify(file, null, 2)}\n`, PRIVATE_FILE_MODE);
  }
}
