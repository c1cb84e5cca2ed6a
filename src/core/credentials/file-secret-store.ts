import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { PRIVATE_FILE_MODE, createFileAtomic, ensureDir, writeFileAtomic } from './atomic-write.ts';
import { moveAside, type CredentialNotice } from './corrupt-file.ts';
import { assertSecretKey, type SecretBackendInfo, type SecretStore } from './secret-store.ts';

export const SECRETS_FILE = 'secrets.enc.json';
export const SECRETS_KEY_FILE = 'secrets.key';

const AAD = Buffer.from('gateway-tray-secrets:v1');
const envelopeSchema = z.object({
  format: z.literal('gateway-tray-secrets'),
  version: z.literal(1),
  cipher: z.literal('aes-256-gcm'),
  keyId: z.string(),
  iv: z.base64(),
  tag: z.base64(),
  data: z.base64(),
}).strict();
const entriesSchema = z.record(z.string(), z.string());

const LOST = 'the tokens it held are not usable until it is recovered: enter them again, or restore the file and its key.';

export interface FileSecretStoreOptions {
  home: string;
  /** Why no keyring is used, prepended to the note (e.g. "No Secret Service answered on D-Bus."). */
  reason?: string;
  now?: () => Date;
}

function keyIdOf(key: Buffer): string {
  // Names the key without revealing it, so "wrong key" and "damaged file" get different messages.
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}

/**
 * The headless fallback when no OS keyring answers: one AES-256-GCM encrypted file of all secrets,
 * with its random key in a separate 0600 file. What that does and does not protect against is spelled
 * out in backend().note, so `doctor` can print it rather than pretend.
 */
export class FileSecretStore implements SecretStore {
  readonly dataPath: string;
  readonly keyPath: string;
  readonly #reason: string | undefined;
  readonly #now: () => Date;
  readonly #notices: CredentialNotice[] = [];

  constructor(options: FileSecretStoreOptions) {
    this.dataPath = join(options.home, SECRETS_FILE);
    this.keyPath = join(options.home, SECRETS_KEY_FILE);
    this.#reason = options.reason;
    this.#now = options.now ?? (() => new Date());
    ensureDir(options.home);
  }

  backend(): SecretBackendInfo {
    return {
      name: 'encrypted-file',
      secure: false,
      note:
        `${this.#reason ? `${this.#reason} ` : ''}Secrets are in ${this.dataPath}, encrypted with AES-256-GCM under a random key ` +
        `kept in a separate file, ${this.keyPath}. This protects against the secrets file leaking on its own (attached to a ` +
        'bug report, copied by a backup or sync that skips the key, found by a search for the token) and detects tampering. ' +
        'Both files are mode 0600, which keeps out other users of this machine but not root. It does not protect against ' +
        'any program running as you, nor against a copy of the whole folder with the key. For more, install a Secret Service ' +
        '(such as gnome-keyring) and libsecret-tools (secret-tool), or use the desktop app with an OS keychain.',
    };
  }

  takeNotices(): CredentialNotice[] {
    return this.#notices.splice(0);
  }

  async get(key: string): Promise<string | undefined> {
    assertSecretKey(key);
    return this.#load().get(key);
  }

  async set(key: string, value: string): Promise<void> {
    assertSecretKey(key);
    const entries = this.#load();
    entries.set(key, value);
    this.#save(entries);
  }

  async delete(key: string): Promise<boolean> {
    assertSecretKey(key);
    const entries = this.#load();
    if (!entries.delete(key)) return false;
    this.#save(entries);
    return true;
  }

  #repairMode(path: string): void {
    if ((statSync(path).mode & 0o777) !== PRIVATE_FILE_MODE) chmodSync(path, PRIVATE_FILE_MODE);
  }

  #readKey(): Buffer | undefined {
    if (!existsSync(this.keyPath)) return undefined;
    this.#repairMode(this.keyPath);
    const text = readFileSync(this.keyPath, 'utf8').trim();
    if (!/^[0-9a-f]{64}$/.test(text)) {
      this.#notices.push(moveAside(this.keyPath, 'it is not a 256-bit hex key', LOST, this.#now()));
      return undefined;
    }
    return Buffer.from(text, 'hex');
  }

  #aside(reason: string): Map<string, string> {
    this.#notices.push(moveAside(this.dataPath, reason, LOST, this.#now()));
    return new Map();
  }

  #load(): Map<string, string> {
    if (!existsSync(this.dataPath)) return new Map();
    this.#repairMode(this.dataPath);
    const key = this.#readKey();
    if (!key) return this.#aside(`its key file ${this.keyPath} is missing or unreadable`);
    let envelope: z.infer<typeof envelopeSchema>;
    try {
      envelope = envelopeSchema.parse(JSON.parse(readFileSync(this.dataPath, 'utf8')));
    } catch {
      return this.#aside('it is not a Gateway Tray secrets file');
    }
    if (envelope.keyId !== keyIdOf(key)) return this.#aside(`it was encrypted with another key than the one in ${this.keyPath}`);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(envelope.iv, 'base64'));
      decipher.setAAD(AAD);
      decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
      const plain = Buffer.concat([decipher.update(Buffer.from(envelope.data, 'base64')), decipher.final()]);
      return new Map(Object.entries(entriesSchema.parse(JSON.parse(plain.toString('utf8')))));
    } catch {
      return this.#aside('it failed its integrity check: damaged or altered');
    }
  }

  #ensureKey(): Buffer {
    const existing = this.#readKey();
    if (existing) return existing;
    // 'create only' so two processes starting at once agree on one key instead of overwriting.
    createFileAtomic(this.keyPath, `${randomBytes(32).toString('hex')}\n`, PRIVATE_FILE_MODE);
    const key = this.#readKey();
    if (!key) throw new Error(`Could not create the secrets key at ${this.keyPath}; check that the folder is writable.`);
    return key;
  }

  #save(entries: Map<string, string>): void {
    const key = this.#ensureKey();
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(AAD);
    const data = Buffer.concat([cipher.update(JSON.stringify(Object.fromEntries(entries)), 'utf8'), cipher.final()]);
    const envelope = {
      format: 'gateway-tray-secrets',
      version: 1,
      cipher: 'aes-256-gcm',
      keyId: keyIdOf(key),
      iv: iv.toString('base64'),
      tag: cipher.getAuthTag().toString('base64'),
      data: data.toString('base64'),
    };
    writeFileAtomic(this.dataPath, `${JSON.stringify(envelope, null, 2)}\n`, PRIVATE_FILE_MODE);
  }
}
