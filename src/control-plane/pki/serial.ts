import { randomBytes } from 'node:crypto';

/**
 * A certificate serial: 16 random bytes, positive (top bit clear) and with a first byte of at least 0x10,
 * so its hex form is always 32 digits with no leading zero. Every tool (node, OpenSSL's BN_bn2hex, forge)
 * then prints the same digits, which matters because the HMAC key of PROTOCOL §2 is derived from them.
 */
export function newSerialHex(): string {
  const bytes = randomBytes(16);
  bytes[0] = ((bytes[0] ?? 0) & 0x7f) | 0x10;
  return bytes.toString('hex');
}

const NORMALIZED = /^(?:0|[1-9a-f][0-9a-f]*)$/;

/** Normalizes a serial as printed by any tool: lowercase hex, no separators, no leading zeros. */
export function normalizeSerial(serial: string): string {
  // Most calls pass a serial this already normalized (a connection's, read once at handshake): no copies then.
  if (NORMALIZED.test(serial)) return serial;
  return serial.replace(/[^0-9a-fA-F]/g, '').toLowerCase().replace(/^0+(?=.)/, '');
}
