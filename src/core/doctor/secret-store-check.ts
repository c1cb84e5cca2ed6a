import { chooseSecretStore } from '../credentials/choose-secret-store.ts';
import type { Checker } from './types.ts';

/** Where tokens are kept, honestly: a keychain, or the encrypted file and why. */
export const secretStoreCheck: Checker = {
  id: 'secret-store',
  title: 'Secret store',
  async run({ home, env }) {
    const { store, skipped } = await chooseSecretStore({ home, env });
    const info = store.backend();
    const why = skipped.length > 0 ? ` (passed over: ${skipped.join('; ')})` : '';
    if (info.secure) return { status: 'ok', detail: `${info.name}: ${info.note}${why}` };
    return { status: 'warn', detail: `${info.name}: ${info.note}${why}`, fix: 'Unlock or install a desktop keyring (Secret Service) to keep tokens in it.' };
  },
};
