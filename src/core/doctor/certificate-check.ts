import type { Profile } from '../credentials/profile-schema.ts';
import { checkTlsBundle, readTlsBundle } from '../credentials/tls-bundle.ts';
import { renewalDueAt } from '../credentials/x509-inspect.ts';
import { messageOf } from '../gateway/errors.ts';
import { readInstanceId } from '../gateway/instance-lookup.ts';
import type { Checker } from './types.ts';

const RENEW = "Run 'gateway-tray renew-cert'.";

/**
 * Who renews this profile's certificate when nobody runs renew-cert: the home's control plane renews
 * its embedded profiles' gateways (the CLI's background one, or the app's), the app renews its default
 * profile, and a cloud profile used from the command line alone has nobody.
 */
function renewer(profile: Pick<Profile, 'kind' | 'options'>): string {
  if (!profile.options.autoRenewCert) return "auto-renewal is off for this profile: run 'gateway-tray renew-cert' by then";
  if (profile.kind === 'local') return 'renewed by itself while the local control plane runs';
  return "renewed by itself while the app runs with this profile; from the command line alone, run 'gateway-tray renew-cert' by then";
}

/** The instance certificate: present, issued by the CA beside it, matching its key, not due for renewal. */
export const certificateCheck: Checker = {
  id: 'certificate',
  title: 'Gateway certificate',
  async run({ home, profile, now }) {
    const instanceId = readInstanceId(home, profile.name);
    if (!instanceId) return { status: 'skip', detail: 'no gateway has been launched with this profile yet' };
    try {
      const read = readTlsBundle({ home, profile: profile.name, instanceId });
      if (!read) return { status: 'warn', detail: 'no certificate yet', fix: "'gateway-tray launch' fetches one." };
      const at = new Date(now?.() ?? Date.now());
      const s = checkTlsBundle(read.bundle, at);
      const repaired = read.repaired.length > 0 ? `; loose file modes were tightened (${read.repaired.join(', ')})` : '';
      const what = `CN ${s.info.subjectCN ?? '?'}, serial ${s.info.serialHex}, valid until ${s.info.notAfter.toISOString()}${repaired}`;
      if (!s.keyMatches || !s.issuedByCa) return { status: 'fail', detail: `${what}: ${!s.keyMatches ? 'the key does not match' : 'not signed by the CA'}`, fix: RENEW };
      if (at.getTime() >= s.info.notAfter.getTime()) return { status: 'fail', detail: `${what}: expired`, fix: RENEW };
      if (s.needsRenewal) {
        const auto = profile.options.autoRenewCert && profile.kind === 'local' ? " The local control plane renews it by itself while it runs ('gateway-tray control-plane status'); or:" : '';
        return { status: 'warn', detail: `${what}: due for renewal since ${renewalDueAt(s.info).toISOString()}`, fix: `${auto.trim()} ${RENEW}`.trim() };
      }
      return { status: 'ok', detail: `${what}; renewal due ${renewalDueAt(s.info).toISOString()}, ${renewer(profile)}` };
    } catch (err) {
      return { status: 'fail', detail: messageOf(err), fix: "Run 'gateway-tray renew-cert' to fetch a fresh certificate." };
    }
  },
};
