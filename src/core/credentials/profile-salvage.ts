import { PRIVATE_FILE_MODE, createFileAtomic } from './atomic-write.ts';
import type { CredentialNotice } from './corrupt-file.ts';
import { SettingsFormatError, migrateSettings } from './profile-migrations.ts';
import { DEFAULT_PROFILE_NAME, PROFILE_NAME_PATTERN, defaultLocalProfile, SETTINGS_VERSION, type Settings } from './profile-schema.ts';

export interface SalvagedSettings {
  settings: Settings;
  notices: CredentialNotice[];
}

function timestamp(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

/** Writes one bad profile's raw JSON beside settings.json, never over an earlier one. */
function setAside(path: string, name: string, raw: unknown, now: Date): string {
  const safe = PROFILE_NAME_PATTERN.test(name) ? name : Buffer.from(name).toString('hex').slice(0, 32) || 'unnamed';
  const base = `${path}.profile-${safe}.corrupt-${timestamp(now)}`;
  const text = `${JSON.stringify({ name, profile: raw }, null, 2)}\n`;
  for (let n = 0; ; n++) {
    const target = n === 0 ? `${base}.json` : `${base}-${n}.json`;
    if (createFileAtomic(target, text, PRIVATE_FILE_MODE)) return target;
  }
}

/**
 * A settings file whose frame is sound (an object with a known version and a profiles object) but
 * where some profiles are not: each profile is checked (and migrated) on its own, the bad ones are
 * written to side files with a notice each, and the others are kept. Returns undefined when there is
 * no such frame to work with, and the caller falls back to moving the whole file aside.
 */
export function salvageProfiles(raw: unknown, path: string, now: Date): SalvagedSettings | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const { version, defaultProfile, profiles } = raw as { version?: unknown; defaultProfile?: unknown; profiles?: unknown };
  if (typeof version !== 'number' || !Number.isInteger(version) || version > SETTINGS_VERSION) return undefined;
  if (typeof profiles !== 'object' || profiles === null || Array.isArray(profiles)) return undefined;

  const kept: Settings['profiles'] = {};
  const notices: CredentialNotice[] = [];
  for (const [name, profile] of Object.entries(profiles as Record<string, unknown>)) {
    try {
      // The profile alone, in the file's own version, so older files climb the same migration ladder.
      const one = migrateSettings({ version, defaultProfile: name, profiles: { [name]: profile } }, path).settings;
      kept[name] = one.profiles[name]!;
    } catch (err) {
      if (!(err instanceof SettingsFormatError)) throw err;
      const reason = err.message.replace(/^it does not match settings version \d+: /, '').split(`profiles.${name}.`).join('');
      const movedTo = setAside(path, name, profile, now);
      notices.push({
        kind: 'profile-set-aside',
        file: path,
        movedTo,
        reason,
        message:
          `Profile "${name}" in ${path} could not be read (${reason}). It was set aside in ${movedTo}, with its text as it was; ` +
          `the other profiles are kept. Fix it there and add it again, or remove the file.`,
      });
    }
  }
  // Every profile is fine on its own: the fault is in the frame, and the caller handles the whole file.
  if (notices.length === 0) return undefined;
  if (Object.keys(kept).length === 0) kept[DEFAULT_PROFILE_NAME] = defaultLocalProfile();
  const names = Object.keys(kept).sort();
  const chosen =
    typeof defaultProfile === 'string' && Object.hasOwn(kept, defaultProfile)
      ? defaultProfile
      : Object.hasOwn(kept, DEFAULT_PROFILE_NAME)
        ? DEFAULT_PROFILE_NAME
        : names[0]!;
  return { settings: { version: SETTINGS_VERSION, defaultProfile: chosen, profiles: kept }, notices };
}
