import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { z } from 'zod';

/**
 * Secrets the replicas share (the CA key, the JWT secret, the admin token) are stored in etcd only sealed:
 * AES-256-GCM under a key derived (scrypt) from the operator key. In the clear, anyone who can read etcd (a
 * backup, a snapshot, an etcd user for APISIX's configuration, a member's disk) could mint client
 * certificates every gateway trusts, or admin tokens; sealed, they also need the operator key, which is
 * never written to etcd.
 */
const Sealed = z.object({ v: z.literal(1), kdf: z.literal('scrypt'), salt: z.string(), iv: z.string(), tag: z.string(), data: z.string() });

const SCRYPT = { N: 1 << 14, r: 8, p: 1 } as const;

export class SealError extends Error {
  override name = 'SealError';
}

function derive(operatorKey: string, salt: Buffer): Buffer {
  return scryptSync(operatorKey, salt, 32, SCRYPT);
}

/** `what` names the secret, and is bound into the tag: a sealed CA key can't be passed off as the JWT secret. */
export function seal(operatorKey: string, what: string, plain: string): string {
  const salt = randomBytes(16);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', derive(operatorKey, salt), iv);
  cipher.setAAD(Buffer.from(what));
  const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return JSON.stringify({ v: 1, kdf: 'scrypt', salt: salt.toString('base64'), iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') });
}

export function unseal(operatorKey: string, what: string, text: string): string {
  let sealed: z.infer<typeof Sealed>;
  try {
    sealed = Sealed.parse(JSON.parse(text));
  } catch {
    throw new SealError(`the ${what} in etcd is not a sealed secret of ours`);
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', derive(operatorKey, Buffer.from(sealed.salt, 'base64')), Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(what));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new SealError(`the ${what} in etcd does not open with this operator key; give every replica the key the cluster was started with`);
  }
}
