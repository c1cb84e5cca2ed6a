import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * PROTOCOL §2's X-HMAC-SIGNATURE: base64 HMAC-SHA256 of the body, keyed with the lowercase hex MD5 of the
 * client certificate's serial (lowercase hex, as our serials never have a leading zero) followed by the
 * instance id.
 */
export function hmacKey(serialHex: string, instanceId: string): string {
  return createHash('md5').update(`${serialHex}${instanceId}`).digest('hex');
}

export function signBody(body: Buffer | string, serialHex: string, instanceId: string): string {
  return createHmac('sha256', hmacKey(serialHex.toLowerCase(), instanceId)).update(body).digest('base64');
}

/**
 * Verifies a signature. The serial is tried in lowercase and uppercase hex, since tools print it either
 * way (node and OpenSSL's BN_bn2hex print uppercase) and the protocol's text does not pin the case.
 */
export function verifyBodySignature(body: Buffer, signature: string, serialHex: string, instanceId: string): boolean {
  const given = Buffer.from(signature.trim(), 'base64');
  if (given.length !== 32) return false;
  for (const serial of new Set([serialHex.toLowerCase(), serialHex.toUpperCase()])) {
    const expected = createHmac('sha256', hmacKey(serial, instanceId)).update(body).digest();
    if (timingSafeEqual(given, expected)) return true;
  }
  return false;
}
