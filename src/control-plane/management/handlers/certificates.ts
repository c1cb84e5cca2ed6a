import { z } from 'zod';
import type { ControlPlaneContext } from '../../context.ts';
import { issueClientCertificate, validityFrom } from '../../pki/certificates.ts';
import { badRequest } from '../envelope.ts';
import type { Router } from '../router.ts';
import { requireCluster } from './account.ts';

export const INSTANCE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const SERIAL = /^[0-9a-fA-F:]{2,128}$/;

/** Client certificates for gateways, minted on each call; and (ours) revocation by serial. */
export function addCertificateRoutes(router: Router, cp: ControlPlaneContext): void {
  router.add('GET', '/clusters/:cluster/gateway_certificate', async ({ params, query }) => {
    requireCluster(cp, params.cluster);
    const instanceId = query.get('instance_id') ?? undefined;
    if (instanceId !== undefined && !INSTANCE_ID.test(instanceId)) {
      throw badRequest('instance_id must be 1-128 letters, digits, ".", "_", ":" or "-", starting with a letter or digit');
    }
    const issued = await issueClientCertificate(cp.ca, validityFrom(new Date(cp.clock.now()), cp.clientCertLifetimeMs), instanceId, cp.clientKeys);
    cp.log(`issued client certificate ${issued.serial}${instanceId ? ` bound to instance ${instanceId}` : ''}`);
    return {
      certificate: issued.certPem,
      private_key: issued.keyPem,
      ca_certificate: cp.ca.certPem,
      serial: issued.serial,
      not_after: issued.notAfter.toISOString(),
    };
  });
  router.add('DELETE', '/clusters/:cluster/gateway_certificate/:serial', async ({ params }) => {
    requireCluster(cp, params.cluster);
    const serial = z.string().regex(SERIAL).safeParse(params.serial);
    if (!serial.success) throw badRequest('the serial must be the certificate serial in hex');
    await cp.revocation.revoke(serial.data, new Date(cp.clock.now()));
    cp.log(`revoked client certificate ${serial.data}`);
    return { serial: serial.data, revoked: true };
  });
}
