import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { hmacKey, signBody, verifyBodySignature } from '../../src/control-plane/data-plane/hmac.ts';

const serial = '1f2e3d4c5b6a79881f2e3d4c5b6a7988';
const id = 'b7a1c1e2-9e0c-4a4e-8c55-3f3f0d7b0a11';
const body = Buffer.from(JSON.stringify({ id, api_calls: 3 }));

test('the key is the lowercase hex MD5 of serial + instance id, as openssl computes it', () => {
  const expected = execFileSync('openssl', ['dgst', '-md5', '-r'], { input: `${serial}${id}`, encoding: 'utf8' }).split(' ')[0];
  assert.equal(hmacKey(serial, id), expected);
});

test('the signature is base64 HMAC-SHA256 of the body, as openssl computes it', () => {
  const key = hmacKey(serial, id);
  const expected = execFileSync('sh', ['-c', `openssl dgst -sha256 -hmac ${key} -binary | base64`], { input: body }).toString().trim();
  assert.equal(signBody(body, serial, id), expected);
  assert.equal(verifyBodySignature(body, expected, serial, id), true);
});

test('a signature over an uppercase serial is accepted too; a wrong one is not', () => {
  const upper = execFileSync('sh', ['-c', `openssl dgst -sha256 -hmac ${hmacKey(serial.toUpperCase(), id)} -binary | base64`], { input: body }).toString().trim();
  assert.equal(verifyBodySignature(body, upper, serial, id), true);
  const sig = signBody(body, serial, id);
  assert.equal(verifyBodySignature(Buffer.concat([body, Buffer.from(' ')]), sig, serial, id), false);
  assert.equal(verifyBodySignature(body, sig, serial, 'other'), false);
  assert.equal(verifyBodySignature(body, 'not base64 at all', serial, id), false);
  assert.equal(verifyBodySignature(body, '', serial, id), false);
});
