import { CloudApiError } from '../cloud/errors.ts';
import { messageOf } from '../gateway/errors.ts';
import { setTokenHint } from '../gateway/session.ts';
import type { Checker } from './types.ts';

/** The profile's control plane answers and accepts the token (GET /user/me). */
export const controlPlaneCheck: Checker = {
  id: 'control-plane',
  title: 'Control plane',
  async run({ client, controlPlaneProblem, profile, apiUrl }) {
    if (!client) {
      return {
        status: 'fail',
        detail: controlPlaneProblem ?? 'no control plane is configured',
        fix: profile.kind === 'local' ? "Run 'gateway-tray launch' (it starts the local control plane), or 'gateway-tray control-plane'." : `Check the profile URL; for the token, ${setTokenHint(profile.name)}.`,
      };
    }
    try {
      const me = await client.me();
      return { status: 'ok', detail: `${apiUrl ?? 'it'} answers; signed in as ${me.email || me.id}` };
    } catch (err) {
      if (err instanceof CloudApiError && err.kind === 'unauthorized' && profile.kind === 'cloud') {
        return { status: 'fail', detail: `the control plane refused this profile's token (revoked or expired): ${messageOf(err)}`, fix: `A new token: ${setTokenHint(profile.name)}.` };
      }
      return { status: 'fail', detail: messageOf(err), fix: profile.kind === 'local' ? "Restart it with 'gateway-tray control-plane'." : 'Check the network, the URL and the token of this profile.' };
    }
  },
};
