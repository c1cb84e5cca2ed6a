import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { bnHex, hmacKey, signBody, verifyBodySignature } from '../../src/control-plane/data-plane/hmac.ts';

// CI has shared/ beside the clone, as this machine has /work/shared beside /work/main.
const repoRoot = join(import.meta.dirname, '..', '..');
const VECTORS = join(repoRoot, '..', 'shared', 'vectors', 'api7-hmac.json');
const Vectors = z.object({
  vectors: z.array(z.object({ path: z.string(), serial_hex: z.string(), instance_id: z.string(), body: z.string(), x_hmac_signature: z.string() })).min(1),
});

/** HMAC-SHA256 by openssl's command line, base64'd here: a computation independent of the code under test. */
function opensslSignature(key: string, body: Buffer | string): string {
  return execFileSync('openssl', ['dgst', '-sha256', '-hmac', key, '-binary'], { input: body }).toString('base64');
}

function opensslMd5(text: string): string {
  return execFileSync('openssl', ['dgst', '-md5', '-r'], { input: text, encoding: 'utf8' }).split(' ')[0] ?? '';
}

test("API7's module's signatures, captured on the wire, verify (PROTOCOL §2 known answers)", () => {
  const { vectors } = Vectors.parse(JSON.parse(readFileSync(VECTORS, 'utf8')));
  for (const v of vectors) {
    const body = Buffer.from(v.body, 'utf8');
    assert.equal(signBody(body, v.serial_hex, v.instance_id), v.x_hmac_signature, v.path);
    // As the control plane sees the serial: node's lowercase-normalized form must give the same key.
    assert.equal(verifyBodySignature(body, v.x_hmac_signature, [v.serial_hex.toLowerCase()], v.instance_id), true, v.path);
    assert.equal(verifyBodySignature(Buffer.concat([body, Buffer.from(' ')]), v.x_hmac_signature, [v.serial_hex], v.instance_id), false, `${v.path}, one byte more`);
  }
});

test('the key is md5_hex(SERIAL) followed by the id, SERIAL uppercase as BN_bn2hex writes it (computed by openssl)', () => {
  const serial = '1f2e3d4c5b6a79881f2e3d4c5b6a7988';
  const id = 'b7a1c1e2-9e0c-4a4e-8c55-3f3f0d7b0a11';
  const key = `${opensslMd5('1F2E3D4C5B6A79881F2E3D4C5B6A7988')}${id}`;
  assert.equal(key.length, 32 + id.length);
  assert.equal(hmacKey(serial, id), key);
  assert.equal(hmacKey('1F:2E:3D:4C:5B:6A:79:88:1F:2E:3D:4C:5B:6A:79:88', id), key, 'any printed form of the serial');
  const body = Buffer.from(JSON.stringify({ id, api_calls: 3 }));
  const expected = opensslSignature(key, body);
  assert.equal(signBody(body, serial, id), expected);
  assert.equal(verifyBodySignature(body, expected, [serial], id), true);
});

test('BN_bn2hex writes two digits per byte, so a serial whose first byte is below 0x10 keeps its leading zero', () => {
  assert.equal(bnHex('a1b2c'), '0A1B2C', 'node and our normalizer drop the zero; BN_bn2hex does not');
  assert.equal(bnHex('0a1b2c'), '0A1B2C');
  assert.equal(bnHex('a1b2c3'), 'A1B2C3');
  assert.equal(bnHex('00ff'), 'FF');
  const id = 'gw-1';
  assert.equal(hmacKey('a1b2c', id), `${opensslMd5('0A1B2C')}${id}`);
});

test('signatures made the old ways (md5 of serial and id together, either case) are refused', () => {
  const serial = '7a3e34b1d34c18d40624829000acfa2b';
  const id = '6a99ef51-661d-45a0-b078-79774e1d3268';
  const body = Buffer.from(JSON.stringify({ id, api_calls: 0 }));
  for (const s of [serial, serial.toUpperCase()]) {
    const oldKey = createHash('md5').update(`${s}${id}`).digest('hex');
    const old = createHmac('sha256', oldKey).update(body).digest('base64');
    assert.equal(verifyBodySignature(body, old, [serial], id), false, s);
  }
  // The lowercase serial hashed before appending is not the §2 key either: only BN_bn2hex's form is.
  const lowerKey = `${createHash('md5').update(serial).digest('hex')}${id}`;
  assert.equal(verifyBodySignature(body, createHmac('sha256', lowerKey).update(body).digest('base64'), [serial], id), false);
});

test('verification tries every serial it is given, and nothing else', () => {
  const [a, b] = ['1f2e3d4c5b6a79881f2e3d4c5b6a7988', '2a2e3d4c5b6a79881f2e3d4c5b6a7900'];
  const id = 'gw-2';
  const body = Buffer.from('{"id":"gw-2"}');
  const byA = signBody(body, a, id);
  assert.equal(verifyBodySignature(body, byA, [b, a], id), true);
  assert.equal(verifyBodySignature(body, byA, [b], id), false);
  assert.equal(verifyBodySignature(body, byA, [], id), false);
  assert.equal(verifyBodySignature(body, byA, [a], 'other'), false);
  assert.equal(verifyBodySignature(body, 'not base64 at all', [a], id), false);
  assert.equal(verifyBodySignature(body, '', [a], id), false);
});
