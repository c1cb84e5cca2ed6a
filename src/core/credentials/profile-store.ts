import Conf from 'conf';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { gatewayTrayHome } from '../config/home.ts';
import { PRIVATE_FILE_MODE, ensureDir, writeFileAtomic } from './atomic-write.ts';
import type { CredentialNotice } from './corrupt-file.ts';
import { SettingsVersionError, migrateSettings } from './profile-migrations.ts';
import {
  DEFAULT_IMAGE,
  DEFAULT_MODULE,
  DEFAULT_OPTIONS,
  DEFAULT_PORTS,
  DEFAULT_PROFILE_NAME,
  describeIssues,
  profileNameSchema,
  settingsJsonSchema,
  settingsSchema,
  storedProfileSchema,
  type Profile,
  type Settings,
  type StoredProfile,
} from './profile-schema.ts';
import { addProfileInputSchema, normalizeApiUrl, updateProfileInputSchema } from './profile-input.ts';
import { loadSettingsFile } from './settings-file.ts';

export class ProfileError extends Error {
  override name = 'ProfileError';
}

export interface ProfileStoreOptions {
  /** Defaults to gatewayTrayHome(). */
  home?: string;
  now?: () => Date;
}

export interface RemoveResult {
  removed: string;
  /** The default afterwards; it changes when the removed profile was the default. */
  defaultProfile: string;
}

/** Drops keys set to undefined, so `{ control: undefined }` keeps the current or default port. */
function defined<T extends object>(value: T | undefined): Partial<T> {
  return Object.fromEntries(Object.entries(value ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function parseInput<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new ProfileError(`Invalid ${what}: ${describeIssues(parsed.error)}.`);
  return parsed.data;
}

/**
 * One conf per home and process. conf compiles the JSON schema with ajv when it is made (0.1–0.15 s of
 * the event loop), and reads the file again on each access, so an instance holds nothing but that
 * compiled schema; the app opens a store for every profile action and every session.
 */
const confs = new Map<string, Conf<Settings>>();

function confFor(home: string): Conf<Settings> {
  let conf = confs.get(home);
  if (!conf) {
    const { properties, required, additionalProperties } = settingsJsonSchema;
    conf = new Conf<Settings>({
      cwd: home,
      configName: 'settings',
      configFileMode: PRIVATE_FILE_MODE,
      schema: properties as never,
      rootSchema: { required, additionalProperties } as never,
      accessPropertiesByDotNotation: false,
      clearInvalidConfig: false,
    });
    confs.set(home, conf);
  }
  return conf;
}

/**
 * Profiles in `$GATEWAY_TRAY_HOME/settings.json`, through conf (electron-store's base, so the same code
 * runs in the CLI and in Electron). Each call re-reads the file, so the app and the CLI see each
 * other's changes. Tokens are not here: see SecretStore and profileTokenKey().
 */
export class ProfileStore {
  readonly path: string;
  readonly #home: string;
  readonly #now: () => Date;
  readonly #conf: Conf<Settings>;
  readonly #notices: CredentialNotice[] = [];
  readonly #listeners = new Set<() => void>();

  constructor(options: ProfileStoreOptions = {}) {
    this.#home = options.home ?? gatewayTrayHome();
    this.#now = options.now ?? (() => new Date());
    this.path = join(this.#home, 'settings.json');
    if (!existsSync(this.#home)) ensureDir(this.#home);
    // Migrate or recover before conf sees the file: conf would throw on an old or corrupt one.
    this.#loadAndPersist();
    this.#conf = confFor(this.#home);
  }

  /** Files moved aside since this store was opened, for the caller to show once. */
  takeNotices(): CredentialNotice[] {
    return this.#notices.splice(0);
  }

  list(): Profile[] {
    const { profiles } = this.#read();
    return Object.keys(profiles).sort().map((name) => ({ name, ...profiles[name]! }));
  }

  has(name: string): boolean {
    return Object.hasOwn(this.#read().profiles, name);
  }

  get(name: string): Profile {
    const settings = this.#read();
    return { name, ...this.#require(settings, name) };
  }

  defaultName(): string {
    return this.#read().defaultProfile;
  }

  getDefault(): Profile {
    return this.get(this.defaultName());
  }

  add(input: unknown): Profile {
    const parsed = parseInput(addProfileInputSchema, input, 'profile');
    const settings = this.#read();
    if (Object.hasOwn(settings.profiles, parsed.name)) {
      throw new ProfileError(`A profile named "${parsed.name}" already exists: update it, or choose another name.`);
    }
    const { name, ports, options, ...rest } = parsed;
    const candidate = {
      ...rest,
      ...(rest.kind === 'cloud' ? { apiUrl: normalizeApiUrl(rest.apiUrl) } : {}),
      image: rest.image ?? DEFAULT_IMAGE,
      ports: { ...DEFAULT_PORTS, ...defined(ports) },
      options: { ...DEFAULT_OPTIONS, ...defined(options) },
      module: rest.module ?? DEFAULT_MODULE,
    };
    const profile = this.#checkProfile(name, candidate);
    this.#write({ ...settings, profiles: { ...settings.profiles, [name]: profile } });
    return { name, ...profile };
  }

  update(name: string, patch: unknown): Profile {
    const parsed = parseInput(updateProfileInputSchema, patch, `changes to profile "${name}"`);
    const settings = this.#read();
    const current = this.#require(settings, name);
    if (parsed.apiUrl !== undefined && current.kind !== 'cloud') {
      throw new ProfileError(`Profile "${name}" uses the embedded local control plane, which has no URL; add a cloud profile instead.`);
    }
    const { clusterId, apiUrl, ports, options, image, module } = parsed;
    const next: Record<string, unknown> = {
      ...current,
      ...(image !== undefined ? { image } : {}),
      ...(module !== undefined ? { module } : {}),
      ...(apiUrl !== undefined ? { apiUrl: normalizeApiUrl(apiUrl) } : {}),
      ports: { ...current.ports, ...defined(ports) },
      options: { ...current.options, ...defined(options) },
    };
    if (clusterId === null) delete next.clusterId;
    else if (clusterId !== undefined) next.clusterId = clusterId;
    const profile = this.#checkProfile(name, next);
    this.#write({ ...settings, profiles: { ...settings.profiles, [name]: profile } });
    return { name, ...profile };
  }

  /** Makes `name` the default profile. */
  use(name: string): Profile {
    const settings = this.#read();
    const profile = this.#require(settings, name);
    if (settings.defaultProfile !== name) this.#write({ ...settings, defaultProfile: name });
    return { name, ...profile };
  }

  /**
   * Removes a profile. The last one cannot go (a launch always needs one). Removing the default hands
   * the default to "local" when it exists, else to the first name in order; the result says which.
   * The caller also deletes the profile's token from the secret store.
   */
  remove(name: string): RemoveResult {
    const settings = this.#read();
    this.#require(settings, name);
    const others = Object.keys(settings.profiles).filter((n) => n !== name).sort();
    if (others.length === 0) {
      throw new ProfileError(`Profile "${name}" is the only profile and cannot be removed: add another profile first, then remove this one.`);
    }
    let defaultProfile = settings.defaultProfile;
    if (defaultProfile === name) defaultProfile = others.includes(DEFAULT_PROFILE_NAME) ? DEFAULT_PROFILE_NAME : others[0]!;
    const profiles = { ...settings.profiles };
    delete profiles[name];
    this.#write({ ...settings, defaultProfile, profiles });
    return { removed: name, defaultProfile };
  }

  /** Called after any change to the file made through conf in this process. */
  onDidChange(callback: () => void): () => void {
    this.#listeners.add(callback);
    return () => this.#listeners.delete(callback);
  }

  #checkProfile(name: string, candidate: unknown): StoredProfile {
    const parsed = storedProfileSchema.safeParse(candidate);
    if (!parsed.success) throw new ProfileError(`Invalid profile "${name}": ${describeIssues(parsed.error)}.`);
    return parsed.data;
  }

  #require(settings: Settings, name: string): StoredProfile {
    parseInput(profileNameSchema, name, `profile name "${name}"`);
    const profile = settings.profiles[name];
    if (profile === undefined || !Object.hasOwn(settings.profiles, name)) {
      const names = Object.keys(settings.profiles).sort().join(', ');
      throw new ProfileError(`There is no profile named "${name}". The profiles are: ${names}. Check the name, or add the profile first.`);
    }
    return profile;
  }

  #read(): Settings {
    let raw: unknown;
    try {
      raw = this.#conf.store;
    } catch {
      // Unparseable or against the schema: the slow path decides between migrate, recover and refuse.
      return this.#loadAndPersist();
    }
    if (!existsSync(this.path)) return this.#loadAndPersist();
    try {
      return migrateSettings(raw, this.path).settings;
    } catch (error) {
      if (error instanceof SettingsVersionError) throw error;
      return this.#loadAndPersist();
    }
  }

  #loadAndPersist(): Settings {
    const loaded = loadSettingsFile(this.path, this.#now());
    this.#notices.push(...loaded.notices);
    if (loaded.changed) writeFileAtomic(this.path, `${JSON.stringify(loaded.settings, null, '\t')}\n`, PRIVATE_FILE_MODE);
    return loaded.settings;
  }

  #write(next: Settings): void {
    const parsed = settingsSchema.safeParse(next);
    if (!parsed.success) throw new ProfileError(`Refusing to save settings: ${describeIssues(parsed.error)}.`);
    // Our own atomic write rather than conf's: on a full disk it removes its temp file and names the file.
    writeFileAtomic(this.path, `${JSON.stringify(parsed.data, null, '\t')}\n`, PRIVATE_FILE_MODE);
    for (const listener of this.#listeners) listener();
  }
}
