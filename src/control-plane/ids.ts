import { randomBytes } from 'node:crypto';

/**
 * A new id as a decimal string, the shape API7 Cloud uses ("392306215415186327"): 62 random bits, so it
 * never collides in practice, never starts with 0, and stays below 2^63 for clients that parse it.
 */
export function newDecimalId(): string {
  const n = randomBytes(8).readBigUInt64BE() >> 2n;
  return (n | (1n << 59n)).toString(10);
}

export const DECIMAL_ID = /^[1-9][0-9]{0,19}$/;
