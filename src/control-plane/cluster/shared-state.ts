import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { newDecimalId } from '../ids.ts';
import { createCertificateAuthority, parseAuthority, validityFrom, type CertificateAuthority } from '../pki/certificates.ts';
import type { Identity } from '../storage/identity.ts';
import type { ClusterKeys } from './keys.ts';
import type { ClusterKv } from './kv.ts';
import { seal, unseal } from './sealed.ts';

const IdentityShape = z.object({ userId: z.string(), orgId: z.string(), clusterId: z.string(), createdAt: z.string() });

/** The one identity of the cluster, made by whichever replica starts first (a put-if-absent). */
export async function sharedIdentity(kv: ClusterKv, keys: ClusterKeys, now: Date): Promise<Identity> {
  const made: Identity = { userId: newDecimalId(), orgId: newDecimalId(), clusterId: newDecimalId(), createdAt: now.toISOString() };
  await kv.txn([{ key: keys.identity, absent: true }], [{ put: { key: keys.identity, value: JSON.stringify(made) } }]);
  const stored = await kv.get(keys.identity);
  if (!stored) throw new Error(`${keys.identity} vanished from etcd right after it was written`);
  return IdentityShape.parse(JSON.parse(stored.value));
}

/**
 * The cluster CA, shared: its certificate in the clear, its key sealed with the operator key. The first
 * replica creates both in one transaction; a replica that loses that race uses the winner's.
 */
export async function sharedAuthority(kv: ClusterKv, keys: ClusterKeys, operatorKey: string, now: Date, lifetimeMs: number): Promise<CertificateAuthority> {
  let cert = await kv.get(keys.caCert);
  if (!cert) {
    const ca = await createCertificateAuthority('Gateway Tray team control plane CA', validityFrom(now, lifetimeMs));
    await kv.txn(
      [{ key: keys.caCert, absent: true }],
      [{ put: { key: keys.caCert, value: ca.certPem } }, { put: { key: keys.caKeySealed, value: seal(operatorKey, 'CA key', ca.keyPem) } }],
    );
    cert = await kv.get(keys.caCert);
  }
  const key = await kv.get(keys.caKeySealed);
  if (!cert || !key) throw new Error(`the cluster CA in etcd is incomplete (${cert ? keys.caKeySealed : keys.caCert} is missing); restore it or run "control-plane import" again`);
  const ca = parseAuthority(cert.value, unseal(operatorKey, 'CA key', key.value));
  if ((ca.cert.publicKey as unknown as { n: { compareTo(o: unknown): number } }).n.compareTo(ca.key.n) !== 0) {
    throw new Error(`the cluster CA's key in etcd does not match its certificate`);
  }
  return ca;
}

/** The JWT secret that signs admin tokens, shared and sealed like the CA key. */
export async function sharedJwtSecret(kv: ClusterKv, keys: ClusterKeys, operatorKey: string): Promise<Buffer> {
  const made = randomBytes(32).toString('base64');
  await kv.txn([{ key: keys.jwtSecretSealed, absent: true }], [{ put: { key: keys.jwtSecretSealed, value: seal(operatorKey, 'JWT secret', made) } }]);
  const stored = await kv.get(keys.jwtSecretSealed);
  if (!stored) throw new Error(`${keys.jwtSecretSealed} vanished from etcd right after it was written`);
  return Buffer.from(unseal(operatorKey, 'JWT secret', stored.value), 'base64');
}
