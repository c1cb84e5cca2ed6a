import type { CredentialNotice } from './corrupt-file.ts';

/** What `doctor` prints about where secrets live. */
export interface SecretBackendInfo {
  /** Short id: "safe-storage", "keyring", "encrypted-file". */
  name: string;
  /** False when the protection is weaker than an OS keychain; `note` then says how. */
  secure: boolean;
  /** Plain words: what protects the secrets, and what does not. */
  note: string;
}

/**
 * Where tokens live. Never in settings.json. Keys are short names (see profileTokenKey); values are
 * never logged by any implementation.
 */
export interface SecretStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  /** Resolves true when something was deleted. */
  delete(key: string): Promise<boolean>;
  backend(): SecretBackendInfo;
  /** Unreadable files moved aside since the last call, for the caller to show. */
  takeNotices?(): CredentialNotice[];
}

export class SecretStoreError extends Error {
  override name = 'SecretStoreError';
}

const KEY_PATTERN = /^[a-z0-9][a-z0-9:._-]{0,127}$/;

/** Refuses keys that could smuggle paths or shell-ish surprises into a backend. */
export function assertSecretKey(key: string): void {
  if (!KEY_PATTERN.test(key)) {
    throw new SecretStoreError(`Invalid secret key "${key}": use lowercase letters, digits and ":._-", at most 128 characters.`);
  }
}

/** The control-plane token of a profile. */
export function profileTokenKey(profile: string): string {
  return `profile:${profile}:token`;
}
