import { renewCertificate } from '../../core/gateway/renew.ts';
import { openSession } from '../../core/gateway/session.ts';
import type { CliCommand } from '../command.ts';
import { PROFILE_FLAG, parseFlags } from '../flags.ts';

const usage = `Usage: gateway-tray renew-cert [options]

Fetches a fresh instance-bound certificate, puts it into the gateway container and restarts the
gateway so that it loads it, then waits until it heartbeats again.

Options:
  -p, --profile NAME   profile (default: the default profile)
  --json               print the new certificate's details as JSON`;

export const renewCertCommand: CliCommand = {
  name: 'renew-cert',
  summary: "Renew the gateway's certificate and restart it",
  usage,
  async run(args, io) {
    const { values } = parseFlags(args, { ...PROFILE_FLAG, json: { type: 'boolean' } }, usage);
    const session = await openSession({ env: io.env, ...(values.profile ? { profile: values.profile } : {}), notice: (l) => io.err(l) });
    const result = await renewCertificate(session.context());
    const c = result.certificate;
    if (values.json) {
      io.out(JSON.stringify({ serial: c.serialHex, subject: c.subjectCN, notBefore: c.notBefore, notAfter: c.notAfter, fingerprintSha256: c.fingerprintSha256, restarted: result.restarted }));
    } else {
      io.out(`New certificate ${c.serialHex} for ${c.subjectCN ?? '?'}, valid until ${c.notAfter.toISOString()}.`);
      io.out(result.restarted ? 'The gateway was restarted and heartbeats again.' : 'The gateway is not running; it uses the new certificate when launched.');
    }
    return 0;
  },
};
