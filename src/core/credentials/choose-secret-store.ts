import { gatewayTrayHome } from '../config/home.ts';
import { FileSecretStore } from './file-secret-store.ts';
import { KeyringSecretStore } from './keyring-secret-store.ts';
import { SafeStorageSecretStore, type SafeStorageLike } from './safe-storage-secret-store.ts';
import type { SecretStore } from './secret-store.ts';

export interface ChooseSecretStoreOptions {
  home?: string;
  /** Electron's safeStorage, handed in by the shell; absent in the CLI. */
  safeStorage?: SafeStorageLike;
  platform?: NodeJS.Platform;
  /** Environment for the keyring probe (DBUS_SESSION_BUS_ADDRESS). */
  env?: NodeJS.ProcessEnv;
}

export interface ChosenSecretStore {
  store: SecretStore;
  /** Why the better options were passed over, for `doctor`; empty when the first choice won. */
  skipped: string[];
}

/**
 * The best honest place for secrets, in order:
 * 1. Electron safeStorage backed by a real keychain (macOS, Windows, a Linux keyring);
 * 2. on Linux, the desktop keyring through secret-tool, when a Secret Service answers;
 * 3. the AES-256-GCM file with a separate key file.
 * safeStorage in basic_text mode is passed over: its key is a constant built into Chromium, while the
 * file store's key is random and kept in its own 0600 file, so the file store is the stronger of the two.
 */
export async function chooseSecretStore(options: ChooseSecretStoreOptions = {}): Promise<ChosenSecretStore> {
  const home = options.home ?? gatewayTrayHome();
  const platform = options.platform ?? process.platform;
  const skipped: string[] = [];

  if (options.safeStorage) {
    const safe = new SafeStorageSecretStore({ home, safeStorage: options.safeStorage, platform });
    const info = safe.backend();
    if (info.secure) return { store: safe, skipped };
    skipped.push(`Electron safeStorage: ${info.note}`);
  }

  if (platform === 'linux') {
    const keyring = new KeyringSecretStore({ home, env: options.env ?? process.env, timeoutMs: 5_000 });
    const probe = await keyring.probe();
    if (probe.ok) return { store: keyring, skipped };
    skipped.push(`Desktop keyring: ${probe.reason}`);
  }

  const reason = skipped.length > 0 ? 'No OS keyring was usable.' : undefined;
  return { store: new FileSecretStore({ home, ...(reason ? { reason } : {}) }), skipped };
}
