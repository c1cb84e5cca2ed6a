import { profileTokenKey, type SecretStore } from './secret-store.ts';

export interface MigrationSource {
  /** For the log line: "keyring", "encrypted-file", "safe-storage". */
  name: string;
  store: SecretStore;
}

/**
 * Moves each profile's token from older stores into `target`: copied, read back, then deleted from
 * the source. A token already in the target wins (it is the newer one). A source that fails to read
 * keeps what it holds, so a locked keyring loses nothing; the next open tries again.
 */
export async function migrateSecrets(target: SecretStore, sources: MigrationSource[], profiles: string[], log?: (line: string) => void): Promise<string[]> {
  const moved: string[] = [];
  for (const source of sources) {
    for (const name of profiles) {
      const key = profileTokenKey(name);
      try {
        const value = await source.store.get(key);
        if (value === undefined) continue;
        if ((await target.get(key)) === undefined) {
          await target.set(key, value);
          if ((await target.get(key)) !== value) throw new Error('the new store did not return what was stored in it');
          moved.push(name);
          log?.(`The token of profile "${name}" was moved from the ${source.name} store to the ${target.backend().name} store.`);
        }
        await source.store.delete(key);
      } catch (err) {
        log?.(`The token of profile "${name}" stays in the ${source.name} store for now: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }
  return moved;
}
