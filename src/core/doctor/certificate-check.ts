import { checkTlsBundle, readTlsBundle } from '../credentials/tls-bundle.ts';
import { messageOf } from '../gateway/errors.ts';
import { readInstanceId } from '../gateway/instance-lookup.ts';
import type { Checker } from './types.ts';

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
      const s = checkTlsBundle(read.bundle, new Date(now?.() ?? Date.now()));
      const repaired = read.repaired.length > 0 ? `; loose file modes were tightened (${read.repaired.join(', ')})` : '';
      const what = `CN ${s.info.subjectCN ?? '?'}, serial ${s.info.serialHex}, valid until ${s.info.notAfter.toISOString()}${repaired}`;
      if (!s.keyMatches || !s.issuedByCa) return { status: 'fail', detail: `${what}: ${!s.keyMatches ? 'the key does not match' : 'not signed by the CA'}`, fix: "Run 'gateway-tray renew-cert'." };
      if (Date.now() >= s.info.notAfter.getTime()) return { status: 'fail', detail: `${what}: expired`, fix: "Run 'gateway-tray renew-cert'." };
      if (s.needsRenewal) return { status: 'warn', detail: `${what}: due for renewal`, fix: "Run 'gateway-tray renew-cert'." };
      return { status: 'ok', detail: what };
    } catch (err) {
      return { status: 'fail', detail: messageOf(err), fix: "Run 'gateway-tray renew-cert' to fetch a fresh certificate." };
    }
  },
};
