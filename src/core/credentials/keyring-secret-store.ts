import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { SecretStoreError, assertSecretKey, type SecretBackendInfo, type SecretStore } from './secret-store.ts';

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface KeyringSecretStoreOptions {
  /** Items are tagged with the data folder, so two setups (or tests) on one keyring never collide. */
  home: string;
  /** Environment for secret-tool: it finds the session bus through DBUS_SESSION_BUS_ADDRESS. */
  env?: NodeJS.ProcessEnv;
  secretTool?: string;
  timeoutMs?: number;
}

export type KeyringProbe = { ok: true } | { ok: false; reason: string };

/**
 * The Linux desktop keyring (any Secret Service: gnome-keyring, KWallet's bridge, KeePassXC) through
 * libsecret's `secret-tool`. Secrets go in on stdin and come out on stdout, never on a command line.
 */
export class KeyringSecretStore implements SecretStore {
  readonly #home: string;
  readonly #env: NodeJS.ProcessEnv;
  readonly #tool: string;
  readonly #timeoutMs: number;

  constructor(options: KeyringSecretStoreOptions) {
    this.#home = resolve(options.home);
    this.#env = options.env ?? process.env;
    this.#tool = options.secretTool ?? 'secret-tool';
    this.#timeoutMs = options.timeoutMs ?? 10_000;
  }

  backend(): SecretBackendInfo {
    return {
      name: 'keyring',
      secure: true,
      note:
        'Secrets are in your desktop keyring (Secret Service, through secret-tool), encrypted with your login password. ' +
        'While the keyring is unlocked, other programs running as you can ask it for them.',
    };
  }

  /** Answers whether a Secret Service takes, returns and clears an item right now. */
  async probe(): Promise<KeyringProbe> {
    const key = `probe:${randomUUID()}`;
    const value = randomUUID();
    try {
      await this.set(key, value);
      const back = await this.get(key);
      await this.delete(key);
      return back === value ? { ok: true } : { ok: false, reason: 'the keyring did not return what was stored in it' };
    } catch (error) {
      return { ok: false, reason: (error as Error).message };
    }
  }

  async get(key: string): Promise<string | undefined> {
    assertSecretKey(key);
    const result = await this.#run(['lookup', ...this.#attributes(key)]);
    if (result.code === 0) return result.stdout;
    if (result.code === 1 && result.stderr.trim() === '') return undefined;
    throw this.#failure('read', result);
  }

  async set(key: string, value: string): Promise<void> {
    assertSecretKey(key);
    const result = await this.#run(['store', `--label=Gateway Tray ${key}`, ...this.#attributes(key)], value);
    if (result.code !== 0) throw this.#failure('store', result);
  }

  async delete(key: string): Promise<boolean> {
    assertSecretKey(key);
    const result = await this.#run(['clear', ...this.#attributes(key)]);
    if (result.code === 0) return true;
    if (result.code === 1 && result.stderr.trim() === '') return false;
    throw this.#failure('delete', result);
  }

  #attributes(key: string): string[] {
    return ['application', 'gateway-tray', 'home', this.#home, 'key', key];
  }

  #failure(what: string, result: RunResult): SecretStoreError {
    const detail = result.stderr.trim().split('\n').pop() || `exit code ${String(result.code)}`;
    return new SecretStoreError(`The desktop keyring could not ${what} a secret (${detail}); unlock or start your keyring, then try again.`);
  }

  #run(args: string[], input?: string): Promise<RunResult> {
    return new Promise((resolvePromise, reject) => {
      const child = spawn(this.#tool, args, { env: this.#env, stdio: ['pipe', 'pipe', 'pipe'] });
      const stdout: Buffer[] = [];
      const stderr: Buffer[] = [];
      // A locked keyring may wait for a prompt nobody sees; give up rather than hang.
      const timer = setTimeout(() => child.kill('SIGKILL'), this.#timeoutMs);
      child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
      child.on('error', (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(error.code === 'ENOENT' ? new SecretStoreError(`${this.#tool} is not installed (Debian/Ubuntu: libsecret-tools).`) : error);
      });
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (signal === 'SIGKILL') {
          reject(new SecretStoreError(`No Secret Service answered within ${this.#timeoutMs} ms; unlock or start your keyring.`));
          return;
        }
        resolvePromise({ code, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') });
      });
      child.stdin.on('error', () => {
        /* the child may exit before reading; its exit code tells the story */
      });
      child.stdin.end(input ?? '');
    });
  }
}
