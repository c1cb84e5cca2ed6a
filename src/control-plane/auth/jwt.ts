import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** The claims of an access token: API7's clients parse access tokens as JWTs and refuse any that don't. */
export const JwtClaims = z.object({
  sub: z.string().min(1),
  iat: z.number().int(),
  exp: z.number().int(),
  jti: z.string().min(1),
});
export type JwtClaims = z.infer<typeof JwtClaims>;

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

function signature(secret: Buffer, signingInput: string): Buffer {
  return createHmac('sha256', secret).update(signingInput).digest();
}

export function signJwt(secret: Buffer, sub: string, nowMs: number, lifetimeMs: number): { token: string; claims: JwtClaims } {
  const iat = Math.floor(nowMs / 1000);
  const claims: JwtClaims = { sub, iat, exp: iat + Math.floor(lifetimeMs / 1000), jti: randomUUID() };
  const input = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return { token: `${input}.${signature(secret, input).toString('base64url')}`, claims };
}

export type JwtFailure = 'malformed' | 'bad-signature' | 'expired' | 'not-yet-valid';

/** Checks the HS256 signature first, then the claims; no claim of an unsigned token is ever read. */
export function verifyJwt(secret: Buffer, token: string, nowMs: number): { ok: true; claims: JwtClaims } | { ok: false; reason: JwtFailure } {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed' };
  const [header, payload, sig] = parts as [string, string, string];
  let headerJson: unknown;
  try {
    headerJson = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (typeof headerJson !== 'object' || headerJson === null || (headerJson as { alg?: unknown }).alg !== 'HS256') {
    return { ok: false, reason: 'malformed' };
  }
  const expected = signature(secret, `${header}.${payload}`);
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad-signature' };
  let claims: JwtClaims;
  try {
    const parsed = JwtClaims.safeParse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
    if (!parsed.success) return { ok: false, reason: 'malformed' };
    claims = parsed.data;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const now = Math.floor(nowMs / 1000);
  if (claims.exp <= now) return { ok: false, reason: 'expired' };
  // A minute of slack for a token minted by a control plane whose clock was set back since.
  if (claims.iat > now + 60) return { ok: false, reason: 'not-yet-valid' };
  return { ok: true, claims };
}
