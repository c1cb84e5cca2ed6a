import { readFileSync } from 'node:fs';
import { PRIVATE_FILE_MODE, writeFileAtomic } from './atomic-write.ts';
import { moveAside, type CredentialNotice } from './corrupt-file.ts';
import { SettingsFormatError, migrateSettings } from './profile-migrations.ts';
import { salvageProfiles } from './profile-salvage.ts';
import { initialSettings, SETTINGS_VERSION, type Settings } from './profile-schema.ts';

export interface LoadedSettings {
  settings: Settings;
  /** True when the file must be (re)written: first run, recovery, or a migration. */
  changed: boolean;
  notices: CredentialNotice[];
  /** Copy of the pre-migration file, when a migration ran. */
  backup?: string;
}

const RESET_CONSEQUENCE =
  'Gateway Tray started again with only the "local" profile. Tokens are kept in the secret store: ' +
  're-add a profile under its old name to use its token again.';

/**
 * Reads settings.json whatever state it is in: missing (first run), older (migrated, with a backup of
 * the original), unreadable (moved aside, with a notice), or newer (refused, untouched).
 */
export function loadSettingsFile(path: string, now: Date = new Date()): LoadedSettings {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { settings: initialSettings(), changed: true, notices: [] };
    throw error;
  }

  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return reset(path, 'it is not valid JSON', now);
  }
  try {
    const { settings, fromVersion } = migrateSettings(raw, path);
    if (fromVersion === SETTINGS_VERSION) return { settings, changed: false, notices: [] };
    // Keep the original beside it: a migration bug must not cost the user their profiles.
    const backup = `${path}.v${fromVersion}.bak`;
    writeFileAtomic(backup, text, PRIVATE_FILE_MODE);
    return { settings, changed: true, notices: [], backup };
  } catch (error) {
    if (!(error instanceof SettingsFormatError)) throw error;
    // One bad profile must not cost the others: set aside only what is bad, when the frame allows it.
    const salvaged = salvageProfiles(raw, path, now);
    if (salvaged) {
      const fromVersion = (raw as { version: number }).version;
      if (fromVersion !== SETTINGS_VERSION) writeFileAtomic(`${path}.v${fromVersion}.bak`, text, PRIVATE_FILE_MODE);
      return { settings: salvaged.settings, changed: true, notices: salvaged.notices };
    }
    return reset(path, error.message, now);
  }
}

function reset(path: string, reason: string, now: Date): LoadedSettings {
  const notice = moveAside(path, reason, RESET_CONSEQUENCE, now);
  return { settings: initialSettings(), changed: true, notices: [notice] };
}
