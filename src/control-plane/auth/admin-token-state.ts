import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { verifyJwt, type JwtClaims } from './jwt.ts';

/**
 * The admin tokens a control plane accepts: only their SHA-256 is kept, plus the revoked ids. The same
 * record lives in the data folder (tokens.json) or, for a cluster, sealed in etcd.
 */
export const AdminTokensState = z.object({
  tokens: z.array(z.object({ jti: z.string(), sub: z.string(), sha256: z.string(), exp: z.number() })),
  revokedJtis: z.array(z.string()),
});
export type AdminTokensState = z.infer<typeof AdminTokensState>;

/** Renew the admin token at start when it has less than this left, so a running app never meets an expired one. */
export const RENEW_BEFORE_MS = 30 * 24 * 3600_000;

export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

/** A token is accepted when its signature, expiry, jti and hash all check (the hash compared in constant time). */
export function verifyAdminToken(secret: Buffer, state: AdminTokensState, token: string, nowMs: number): JwtClaims | undefined {
  const result = verifyJwt(secret, token, nowMs);
  if (!result.ok) return undefined;
  const { claims } = result;
  if (state.revokedJtis.includes(claims.jti)) return undefined;
  const known = state.tokens.find((t) => t.jti === claims.jti);
  if (!known) return undefined;
  const a = Buffer.from(known.sha256, 'hex');
  const b = Buffer.from(tokenHash(token), 'hex');
  return a.length === b.length && timingSafeEqual(a, b) ? claims : undefined;
}
