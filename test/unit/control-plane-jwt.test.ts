import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { signJwt, verifyJwt } from '../../src/control-plane/auth/jwt.ts';

const secret = randomBytes(32);
const now = Date.UTC(2026, 0, 1);

test('a signed token is a three-part JWT with sub, iat, exp and jti', () => {
  const { token, claims } = signJwt(secret, '42', now, 3600_000);
  const [h, p, s] = token.split('.');
  assert.ok(h && p && s);
  assert.deepEqual(JSON.parse(Buffer.from(h, 'base64url').toString()), { alg: 'HS256', typ: 'JWT' });
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
  assert.deepEqual(Object.keys(payload).sort(), ['exp', 'iat', 'jti', 'sub']);
  assert.equal(payload.sub, '42');
  assert.equal(payload.exp, claims.iat + 3600);
  assert.deepEqual(verifyJwt(secret, token, now + 1000), { ok: true, claims });
});

test('every token gets its own jti', () => {
  const a = signJwt(secret, '1', now, 1000).claims.jti;
  const b = signJwt(secret, '1', now, 1000).claims.jti;
  assert.notEqual(a, b);
});

test('expired, tampered, foreign-key, unsigned and malformed tokens are refused', () => {
  const { token } = signJwt(secret, '42', now, 60_000);
  assert.deepEqual(verifyJwt(secret, token, now + 60_000), { ok: false, reason: 'expired' });
  const [h, p, s] = token.split('.') as [string, string, string];
  const forged = Buffer.from(JSON.stringify({ sub: 'admin', iat: 0, exp: 9e9, jti: 'x' })).toString('base64url');
  assert.deepEqual(verifyJwt(secret, `${h}.${forged}.${s}`, now), { ok: false, reason: 'bad-signature' });
  assert.deepEqual(verifyJwt(randomBytes(32), token, now), { ok: false, reason: 'bad-signature' });
  const none = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
  assert.deepEqual(verifyJwt(secret, `${none}.${p}.`, now), { ok: false, reason: 'malformed' });
  for (const bad of ['', 'abc', 'a.b', 'a.b.c.d', '!!!.???.***']) assert.equal(verifyJwt(secret, bad, now).ok, false);
});

test('a token issued in the future is refused', () => {
  const { token } = signJwt(secret, '42', now + 3600_000, 7200_000);
  assert.deepEqual(verifyJwt(secret, token, now), { ok: false, reason: 'not-yet-valid' });
});
