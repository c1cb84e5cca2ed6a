import { messageOf } from '../gateway/errors.ts';
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
        fix: profile.kind === 'local' ? "Run 'gateway-tray launch' (it starts the local control plane), or 'gateway-tray control-plane'." : 'Check the profile URL and token.',
      };
    }
    try {
      const me = await client.me();
      return { status: 'ok', detail: `${apiUrl ?? 'it'} answers; signed in as ${me.email || me.id}` };
    } catch (err) {
      return { status: 'fail', detail: messageOf(err), fix: profile.kind === 'local' ? "Restart it with 'gateway-tray control-plane'." : 'Check the network, the URL and the token of this profile.' };
    }
  },
};
