import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A certificate serial as OpenSSL's BN_bn2hex writes it, which is what API7's module hashes: uppercase hex,
 * two digits per byte, no "0x". Accepts any printed form (separators, either case, leading zeros dropped).
 */
export function bnHex(serial: string): string {
  const hex = serial.replace(/[^0-9a-fA-F]/g, '').toUpperCase().replace(/^0+(?=.)/, '');
  return hex.length % 2 === 1 ? `0${hex}` : hex;
}

/**
 * PROTOCOL §2's key, exactly as API7's Cloud Lua Module derives it: md5_hex(SERIAL) followed by the instance
 * id. The id is appended after hashing; hashing serial and id together (an earlier reading) is wrong.
 */
export function hmacKey(serial: string, instanceId: string): string {
  return `${serialDigest(serial)}${instanceId}`;
}

/**
 * md5_hex(SERIAL) per serial, kept: a gateway signs every request with the same serial, and the profile
 * of 10,000 kept-alive gateways showed this hash (and its two regexes) on every heartbeat. Bounded, and
 * cleared whole when full (one miss costs one md5). In memory only.
 */
const digests = new Map<string, string>();
const MAX_DIGESTS = 100_000;

function serialDigest(serial: string): string {
  let digest = digests.get(serial);
  if (digest === undefined) {
    digest = createHash('md5').update(bnHex(serial)).digest('hex');
    if (digests.size >= MAX_DIGESTS) digests.clear();
    digests.set(serial, digest);
  }
  return digest;
}

/** X-HMAC-SIGNATURE: base64 HMAC-SHA256 of the body. */
export function signBody(body: Buffer | string, serial: string, instanceId: string): string {
  return createHmac('sha256', hmacKey(serial, instanceId)).update(body).digest('base64');
}

/**
 * Verifies a signature against the keys of the given serials: the connection's own, and (after a renewal)
 * earlier ones that API7's module may still sign with until its gateway restarts.
 */
export function verifyBodySignature(body: Buffer, signature: string, serials: readonly string[], instanceId: string): boolean {
  const given = Buffer.from(signature.trim(), 'base64');
  if (given.length !== 32) return false;
  // One serial (the usual case) needs no set; several may name one serial in different forms.
  const unique = serials.length === 1 ? serials : new Set(serials.map(bnHex));
  for (const serial of unique) {
    const expected = createHmac('sha256', hmacKey(serial, instanceId)).update(body).digest();
    if (timingSafeEqual(given, expected)) return true;
  }
  return false;
}
