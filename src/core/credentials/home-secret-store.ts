import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { gatewayTrayHome } from '../config/home.ts';
import { PRIVATE_FILE_MODE, createFileAtomic, ensureDir } from './atomic-write.ts';
import { FileSecretStore, SECRETS_FILE } from './file-secret-store.ts';
import { KeyringSecretStore } from './keyring-secret-store.ts';
import { ProfileStore } from './profile-store.ts';
import { migrateSecrets, type MigrationSource } from './secret-migration.ts';
import { SAFE_STORAGE_FILE, SafeStorageSecretStore, type SafeStorageLike } from './safe-storage-secret-store.ts';
import { SecretStoreError, type SecretStore } from './secret-store.ts';

/** Records which store a home uses, so that the CLI and the desktop app always open the same one. */
export const SECRET_STORE_RECORD = 'secret-store.json';

const backendSchema = z.enum(['keyring', 'encrypted-file']);
type HomeBackend = z.infer<typeof backendSchema>;
const recordSchema = z.object({ version: z.literal(1), backend: backendSchema, chosenAt: z.string(), why: z.string().optional() }).strict();
export type SecretStoreRecord = z.infer<typeof recordSchema>;

export interface OpenHomeSecretStoreOptions {
  home?: string;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  /**
   * Electron's safeStorage, from the desktop app. It is not where tokens are kept (the CLI cannot use
   * it); it only lets the app read tokens an older version kept in secrets.safe-storage.json and move them.
   */
  safeStorage?: SafeStorageLike;
  /** Profile names whose tokens the migration looks for (the names in settings.json). */
  profiles?: () => string[];
  log?: (line: string) => void;
  now?: () => Date;
}

export interface HomeSecretStore {
  store: SecretStore;
  record: SecretStoreRecord;
  /** Tokens moved from another store by this open, by profile name. */
  migrated: string[];
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function readRecord(path: string): SecretStoreRecord | undefined {
  if (!existsSync(path)) return undefined;
  const parsed = recordSchema.safeParse(parseJson(readFileSync(path, 'utf8')));
  if (!parsed.success) {
    throw new SecretStoreError(`${path} does not say which secret store this folder uses; fix it to {"version":1,"backend":"keyring"|"encrypted-file","chosenAt":"..."} or remove it to choose again.`);
  }
  return parsed.data;
}

function storeFor(backend: HomeBackend, home: string, env: NodeJS.ProcessEnv, why?: string): SecretStore {
  if (backend === 'keyring') return new KeyringSecretStore({ home, env, timeoutMs: 5_000 });
  return new FileSecretStore({ home, ...(why ? { reason: why } : {}) });
}

function cloudProfileNames(home: string): string[] {
  try {
    return new ProfileStore({ home }).list().filter((p) => p.kind === 'cloud').map((p) => p.name);
  } catch {
    // A settings file we cannot read yet keeps its tokens where they are; nothing is lost.
    return [];
  }
}

/** The first choice for a home: the desktop keyring when a Secret Service answers, else the encrypted file. */
async function choose(home: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): Promise<{ backend: HomeBackend; why?: string }> {
  if (platform !== 'linux') return { backend: 'encrypted-file', why: 'No keyring that both the app and the CLI can use on this system.' };
  const probe = await new KeyringSecretStore({ home, env, timeoutMs: 5_000 }).probe();
  if (probe.ok) return { backend: 'keyring' };
  return { backend: 'encrypted-file', why: `No OS keyring was usable (${probe.reason}).` };
}

/**
 * The one secret store of a home, for every part of Gateway Tray (app, CLI, launch, renew, doctor).
 * The first open chooses it and writes the choice to secret-store.json; later opens, by the app or the
 * CLI, use what is written, so both always see the same tokens. A keyring that stops answering later is
 * an error to fix, not a reason to switch, which would make every stored token vanish.
 *
 * The first open also moves tokens an older version may have left elsewhere: in the encrypted file when
 * the keyring is chosen, and in the app's old safeStorage file whenever the app opens it.
 */
export async function openHomeSecretStore(options: OpenHomeSecretStoreOptions = {}): Promise<HomeSecretStore> {
  const env = options.env ?? process.env;
  const home = options.home ?? gatewayTrayHome(env);
  const platform = options.platform ?? process.platform;
  const now = options.now ?? (() => new Date());
  ensureDir(home);
  const recordPath = join(home, SECRET_STORE_RECORD);
  let record = readRecord(recordPath);
  const first = record === undefined;
  if (!record) {
    const chosen = await choose(home, env, platform);
    const candidate: SecretStoreRecord = { version: 1, backend: chosen.backend, chosenAt: now().toISOString(), ...(chosen.why ? { why: chosen.why } : {}) };
    // Two processes opening a fresh home at once agree on whichever wrote first.
    createFileAtomic(recordPath, `${JSON.stringify(candidate, null, 2)}\n`, PRIVATE_FILE_MODE);
    record = readRecord(recordPath)!;
  }
  const store = storeFor(record.backend, home, env, record.why);

  const sources: MigrationSource[] = [];
  // An older version chose per process, keyring first; when the keyring wins now, what an earlier
  // keyring-less run put in the file moves into it. (When the file wins, the keyring did not answer.)
  if (first && record.backend === 'keyring' && existsSync(join(home, SECRETS_FILE))) sources.push({ name: 'encrypted-file', store: new FileSecretStore({ home }) });
  // Only the app can read the old safeStorage file, so it is moved whenever the app finds it.
  if (options.safeStorage && existsSync(join(home, SAFE_STORAGE_FILE))) {
    sources.push({ name: 'safe-storage', store: new SafeStorageSecretStore({ home, safeStorage: options.safeStorage, platform }) });
  }
  const names = sources.length > 0 ? (options.profiles ?? (() => cloudProfileNames(home)))() : [];
  const migrated = names.length > 0 ? await migrateSecrets(store, sources, names, options.log) : [];
  return { store, record, migrated };
}
