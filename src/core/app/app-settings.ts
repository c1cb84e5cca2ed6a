import Conf from 'conf';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { appSettingsPatchSchema, appSettingsSchema, type AppSettings } from '../../contract/ipc-contract.ts';
import { ensureDir, PRIVATE_FILE_MODE } from '../credentials/atomic-write.ts';
import { moveAside, type CredentialNotice } from '../credentials/corrupt-file.ts';

/**
 * App preferences (theme, quit behaviour, autostart, notifications, onboarding, etcd image) in
 * `$GATEWAY_TRAY_HOME/app-settings.json`, through conf. They live beside settings.json rather than in
 * it: settings.json is the profiles' file, shared with the CLI and its own migration ladder, and these
 * preferences change on another rhythm. No secret ever goes here.
 *
 * History (each step goes from one version to the next only, and is tested step by step):
 * - v0: no file (the app has never run). Becomes the defaults, not onboarded.
 * - v1 (0.1): onboarded, theme, quitBehaviour, autostart, notifications, plus `version: 1`.
 * - v2: adds the optional `etcdImage` (absent: the built-in default, so a newer default reaches users who
 *   never chose one). The step changes no value; the version moves so that an older app, whose strict v1
 *   schema would take a file with `etcdImage` for a corrupt one, refuses it as newer instead.
 */
export const APP_SETTINGS_VERSION = 2;

export const DEFAULT_APP_SETTINGS: AppSettings = Object.freeze({
  onboarded: false,
  theme: 'system',
  quitBehaviour: 'leave-running',
  autostart: false,
  notifications: { enabled: true, muted: [] },
}) as AppSettings;

const storedSchema = appSettingsSchema.extend({ version: z.literal(APP_SETTINGS_VERSION) }).strict();
type Stored = z.infer<typeof storedSchema>;

export class AppSettingsVersionError extends Error {
  override name = 'AppSettingsVersionError';
}

interface Step {
  from: number;
  migrate(raw: unknown): unknown;
}

/** The ladder. v0 is "no file"; later versions append a step here. */
const STEPS: readonly Step[] = [
  { from: 0, migrate: () => ({ version: 1, ...structuredClone(DEFAULT_APP_SETTINGS) }) },
  { from: 1, migrate: (raw) => ({ ...(raw as object), version: 2 }) },
];

/** Brings raw JSON (undefined for "no file") to the current shape; throws on a file it cannot read. */
export function migrateAppSettings(raw: unknown, file = 'app-settings.json'): { settings: Stored; fromVersion: number } {
  let version: number;
  if (raw === undefined) version = 0;
  else if (typeof raw === 'object' && raw !== null && typeof (raw as { version?: unknown }).version === 'number') version = (raw as { version: number }).version;
  else throw new Error('it has no integer "version"');
  if (version > APP_SETTINGS_VERSION) {
    throw new AppSettingsVersionError(`${file} was written by a newer Gateway Tray (version ${version}); upgrade Gateway Tray, or move the file away. It was left untouched.`);
  }
  let current: unknown = raw;
  for (let v = version; v < APP_SETTINGS_VERSION; v++) {
    const step = STEPS.find((s) => s.from === v);
    if (!step) throw new Error(`no migration from app settings version ${v}`);
    current = step.migrate(current);
  }
  const parsed = storedSchema.safeParse(current);
  if (!parsed.success) throw new Error(`it does not match app settings version ${APP_SETTINGS_VERSION}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return { settings: parsed.data, fromVersion: version };
}

/** Reads, migrates and writes app-settings.json; a corrupt file is moved aside with a notice. */
export class AppSettingsStore {
  readonly path: string;
  readonly #conf: Conf<Stored>;
  readonly #notices: CredentialNotice[] = [];

  constructor(home: string) {
    if (!existsSync(home)) ensureDir(home);
    this.path = join(home, 'app-settings.json');
    const initial = this.#load();
    this.#conf = new Conf<Stored>({ cwd: home, configName: 'app-settings', configFileMode: PRIVATE_FILE_MODE, accessPropertiesByDotNotation: false, clearInvalidConfig: false });
    if (initial.write) this.#conf.store = initial.settings;
  }

  takeNotices(): CredentialNotice[] {
    return this.#notices.splice(0);
  }

  get(): AppSettings {
    let raw: unknown;
    try {
      raw = existsSync(this.path) ? this.#conf.store : undefined;
    } catch {
      raw = null;
    }
    try {
      const { settings } = migrateAppSettings(raw, this.path);
      const { version: _v, ...rest } = settings;
      return rest;
    } catch (err) {
      if (err instanceof AppSettingsVersionError) throw err;
      const reloaded = this.#load();
      this.#conf.store = reloaded.settings;
      const { version: _v, ...rest } = reloaded.settings;
      return rest;
    }
  }

  update(patch: unknown): AppSettings {
    const parsed = appSettingsPatchSchema.parse(patch);
    const current = this.get();
    const next: AppSettings = {
      ...current,
      ...(parsed.onboarded !== undefined ? { onboarded: parsed.onboarded } : {}),
      ...(parsed.theme !== undefined ? { theme: parsed.theme } : {}),
      ...(parsed.quitBehaviour !== undefined ? { quitBehaviour: parsed.quitBehaviour } : {}),
      ...(parsed.autostart !== undefined ? { autostart: parsed.autostart } : {}),
      notifications: {
        enabled: parsed.notifications?.enabled ?? current.notifications.enabled,
        muted: [...new Set(parsed.notifications?.muted ?? current.notifications.muted)],
      },
    };
    if (parsed.etcdImage === '') delete next.etcdImage;
    else if (parsed.etcdImage !== undefined) next.etcdImage = parsed.etcdImage;
    this.#conf.store = storedSchema.parse({ version: APP_SETTINGS_VERSION, ...next });
    return next;
  }

  #load(): { settings: Stored; write: boolean } {
    let raw: unknown;
    if (existsSync(this.path)) {
      try {
        raw = JSON.parse(readFileSync(this.path, 'utf8'));
      } catch {
        return this.#reset('it is not valid JSON');
      }
    }
    try {
      const { settings, fromVersion } = migrateAppSettings(raw, this.path);
      return { settings, write: fromVersion !== APP_SETTINGS_VERSION };
    } catch (err) {
      if (err instanceof AppSettingsVersionError) throw err;
      return this.#reset(err instanceof Error ? err.message : String(err));
    }
  }

  #reset(reason: string): { settings: Stored; write: boolean } {
    this.#notices.push(moveAside(this.path, reason, 'Gateway Tray started again with default preferences; profiles are unaffected.'));
    return { settings: migrateAppSettings(undefined).settings, write: true };
  }
}
