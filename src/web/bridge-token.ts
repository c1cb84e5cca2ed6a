import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A fresh bridge token: 256 random bits, URL-safe, so it can ride in the URL fragment. */
export function newBridgeToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Constant-time comparison; both sides are hashed first so that lengths leak nothing either. */
export function tokensEqual(expected: string, given: unknown): boolean {
  if (typeof given !== 'string') return false;
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}
