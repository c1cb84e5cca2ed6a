import type { SecretStore } from '../credentials/secret-store.ts';
import { messageOf } from './errors.ts';
import { retireCertificates, retireWithContext } from './revoke.ts';
import { openSession } from './session.ts';

/**
 * Before a profile is removed (and its token with it): its gateways' certificates are revoked at its
 * control plane and their bundles deleted. A control plane that does not answer does not stop the
 * removal; the certificates then simply expire.
 */
export async function retireProfileCertificates(profile: string, opts: { env: NodeJS.ProcessEnv; secrets?: SecretStore; log?: (line: string) => void }): Promise<string[]> {
  let session;
  try {
    session = await openSession({ env: opts.env, profile, ...(opts.secrets ? { secrets: opts.secrets } : {}), ...(opts.log ? { notice: opts.log } : {}) });
  } catch (err) {
    opts.log?.(`The certificates of profile "${profile}" were not revoked: ${messageOf(err)}`);
    return [];
  }
  const retire = retireWithContext(() => session.context(), opts.log);
  const clusterId = await retire.clusterId().catch((err: unknown) => {
    opts.log?.(`The control plane of profile "${profile}" did not answer, so its certificates are deleted but not revoked: ${messageOf(err)}`);
    return undefined;
  });
  return retireCertificates(retire.client, clusterId, { home: session.home, profile }, opts.log);
}
