import { openHomeSecretStore } from '../credentials/home-secret-store.ts';
import { KeyringSecretStore } from '../credentials/keyring-secret-store.ts';
import type { Checker } from './types.ts';

/** Where tokens are kept, honestly: the store this home uses (the app and the CLI alike), and why. */
export const secretStoreCheck: Checker = {
  id: 'secret-store',
  title: 'Secret store',
  async run({ home, env, secrets }) {
    const opened = await openHomeSecretStore({ home, env });
    const store = secrets ?? opened.store;
    const info = store.backend();
    const why = ` (chosen for this folder on ${opened.record.chosenAt} and recorded in secret-store.json; the app and the CLI both use it)`;
    // The home stays with its recorded keyring even when it stops answering (switching would hide every
    // token), so a keyring that does not answer now is the thing to fix, not a reason to say all is well.
    if (store instanceof KeyringSecretStore) {
      const probe = await store.probe();
      if (!probe.ok) {
        return {
          status: 'fail',
          detail: `${info.name}: this folder keeps its tokens in the desktop keyring, which does not answer now (${probe.reason})${why}`,
          fix: 'Unlock the desktop keyring, or start a session with a Secret Service (a desktop login, or dbus-run-session with gnome-keyring-daemon), then try again.',
        };
      }
    }
    if (info.secure) return { status: 'ok', detail: `${info.name}: ${info.note}${why}` };
    return { status: 'warn', detail: `${info.name}: ${info.note}${why}`, fix: 'Unlock or install a desktop keyring (Secret Service) to keep tokens in it.' };
  },
};
