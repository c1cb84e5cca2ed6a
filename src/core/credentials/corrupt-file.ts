import { existsSync, renameSync } from 'node:fs';

/**
 * Something the caller should show the user: a file we could not use was moved aside, not deleted,
 * so whatever it held can still be recovered by hand.
 */
export interface CredentialNotice {
  /** A whole file moved aside, or one profile of settings.json set aside in a side file. */
  kind: 'corrupt-file' | 'profile-set-aside';
  /** The path the app reads. */
  file: string;
  /** Where the unreadable file now is. */
  movedTo: string;
  /** Why it could not be used (never contains the file's content). */
  reason: string;
  /** One sentence for the user, naming both paths and what to do. */
  message: string;
}

function timestamp(now: Date): string {
  // Compact ISO form without ':' so the name is valid on every file system.
  return now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
}

/**
 * Renames `file` to `<file>.corrupt-<timestamp>` (with a counter if that exists) and returns a notice.
 * `consequence` tells the user what this means for them, e.g. "your profiles were reset".
 */
export function moveAside(file: string, reason: string, consequence: string, now: Date = new Date()): CredentialNotice {
  const base = `${file}.corrupt-${timestamp(now)}`;
  let movedTo = base;
  for (let n = 1; existsSync(movedTo); n++) movedTo = `${base}-${n}`;
  renameSync(file, movedTo);
  return {
    kind: 'corrupt-file',
    file,
    movedTo,
    reason,
    message: `${file} could not be read (${reason}). It was moved to ${movedTo} and kept there; ${consequence}`,
  };
}
