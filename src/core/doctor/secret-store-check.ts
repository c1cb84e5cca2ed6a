import { openHomeSecretStore } from '../credentials/home-secret-store.ts';
import type { Checker } from './types.ts';

/** Where tokens are kept, honestly: the store this home uses (the app and the CLI alike), and why. */
export const secretStoreCheck: Checker = {
  id: 'secret-store',
  title: 'Secret store',
  async run({ home, env, secrets }) {
    const opened = await openHomeSecretStore({ home, env });
    const info = (secrets ?? opened.store).backend();
    const why = ` (chosen for this folder on ${opened.record.chosenAt} and recorded in secret-store.json; the app and the CLI both use it)`;
    if (info.secure) return { status: 'ok', detail: `${info.name}: ${info.note}${why}` };
    return { status: 'warn', detail: `${info.name}: ${info.note}${why}`, fix: 'Unlock or install a desktop keyring (Secret Service) to keep tokens in it.' };
  },
};
