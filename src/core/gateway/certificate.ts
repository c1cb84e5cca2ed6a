import { rmSync } from 'node:fs';
import type { ControlPlaneClient } from '../cloud/client.ts';
import { TlsBundle, checkTlsBundle, readTlsBundle, tlsBundleDir, writeTlsBundle } from '../credentials/tls-bundle.ts';
import { inspectCertificate, type CertificateInfo } from '../credentials/x509-inspect.ts';
import { bundleAccepted, type DataPlaneAddress } from './dataplane-reach.ts';
import { GatewayError, messageOf } from './errors.ts';
import { revokeSerial } from './revoke.ts';
import type { Rollback } from './rollback.ts';

export interface BundleLocation {
  home: string;
  profile: string;
  instanceId: string;
}

const INSTANCE_URI = 'urn:gateway-tray:instance:';

function boundTo(info: CertificateInfo, instanceId: string): boolean {
  return info.subjectCN === instanceId || info.sanUris.includes(`${INSTANCE_URI}${instanceId}`);
}

/**
 * The instance's current bundle, when it can serve this launch as it is: bound to the instance, key and
 * CA consistent, outside its renewal window, and accepted right now by the control plane's data-plane
 * endpoint (a reset control plane or a revoked certificate fails that). Re-using it keeps one live
 * certificate per instance instead of minting a new one on every launch.
 */
export async function reusableBundle(
  where: BundleLocation,
  address: DataPlaneAddress,
  sni: string | undefined,
  candidate: TlsBundle | undefined = keptBundleCandidate(where),
): Promise<TlsBundle | undefined> {
  if (!candidate) return undefined;
  return (await bundleAccepted(address, sni, candidate, where.instanceId)) ? candidate : undefined;
}

/**
 * The part of reusableBundle that needs no control plane: the bundle on disk, when it is consistent and
 * bound to the instance. Certificate parsing is CPU work, so a launch runs it while its requests are out.
 */
export function keptBundleCandidate(where: BundleLocation): TlsBundle | undefined {
  let bundle: TlsBundle | undefined;
  try {
    bundle = readTlsBundle(where)?.bundle;
  } catch {
    return undefined;
  }
  if (!bundle) return undefined;
  try {
    const status = checkTlsBundle(bundle);
    if (!status.keyMatches || !status.issuedByCa || status.needsRenewal || !boundTo(status.info, where.instanceId)) return undefined;
  } catch {
    return undefined;
  }
  return bundle;
}

/**
 * Fetches a client certificate bound to this instance (PROTOCOL §1, `instance_id`), checks that it is
 * bound to it, and writes the bundle (key 0600, certificates 0644, folder 0700). When a rollback is
 * given, the bundle that was there before is put back if the launch fails later.
 */
export async function fetchInstanceCertificate(
  client: ControlPlaneClient,
  clusterId: string,
  where: BundleLocation,
  rollback?: Rollback,
): Promise<TlsBundle> {
  let issued;
  try {
    issued = await client.gatewayCertificate(clusterId, where.instanceId);
  } catch (err) {
    throw new GatewayError('certificate', `The control plane did not issue a gateway certificate: ${messageOf(err)}`, { cause: err });
  }
  const info = inspectCertificate(issued.certificate);
  if (!boundTo(info, where.instanceId)) {
    throw new GatewayError('certificate', `The control plane issued a certificate that is not bound to instance ${where.instanceId} (CN "${info.subjectCN ?? ''}"); it does not support instance-bound certificates.`);
  }
  const location = { home: where.home, profile: where.profile, instanceId: where.instanceId };
  let previous: TlsBundle | undefined;
  try {
    previous = readTlsBundle(location)?.bundle;
  } catch {
    previous = undefined; // an unreadable old bundle is replaced, not restored
  }
  let bundle: TlsBundle;
  try {
    bundle = writeTlsBundle(location, { certificate: issued.certificate, privateKey: issued.private_key, caCertificate: issued.ca_certificate });
  } catch (err) {
    throw new GatewayError('certificate', `Could not store the gateway certificate: ${messageOf(err)}`, { cause: err });
  }
  rollback?.add('the new certificate', async () => {
    if (previous) writeTlsBundle(location, previous);
    else rmSync(tlsBundleDir(location), { recursive: true, force: true });
    // Nobody holds the new key any more; revoked, it can't be used even if a copy survived.
    await revokeSerial(client, clusterId, info.serialHex);
  });
  return bundle;
}
