import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { createCertificateAuthority, issueClientCertificate, validityFrom } from '../../src/control-plane/pki/certificates.ts';
import { KeyPool } from '../../src/control-plane/pki/key-pool.ts';
import { generateRsaKeyPair, type KeyPairPem } from '../../src/control-plane/pki/keys.ts';

const DAY = 86_400_000;

/** Real RSA generation (1024 bits to keep the test quick), counted. */
function countingGenerator() {
  const made: KeyPairPem[] = [];
  return { made, generate: async () => {
    const k = await generateRsaKeyPair(1024);
    made.push(k);
    return k;
  } };
}

test('a pool fills ahead of need, hands each key out once, and refills', async () => {
  const gen = countingGenerator();
  const pool = new KeyPool(2, gen.generate);
  pool.fill();
  await pool.full();
  assert.equal(pool.available, 2);
  assert.equal(gen.made.length, 2);

  const a = await pool.take();
  const b = await pool.take();
  assert.equal(a, gen.made[0]);
  assert.equal(b, gen.made[1]);
  assert.notEqual(a.privateKeyPem, b.privateKeyPem);
  await pool.full();
  assert.equal(pool.available, 2, 'taking refills in the background');
  assert.equal(gen.made.length, 4);
  const handed = new Set([a, b, await pool.take(), await pool.take()].map((k) => k.privateKeyPem));
  assert.equal(handed.size, 4, 'no key is handed out twice');
  await pool.stop();
});

test('an empty pool generates on demand; a stopped pool keeps no key', async () => {
  const gen = countingGenerator();
  const pool = new KeyPool(1, gen.generate);
  const k = await pool.take();
  assert.match(k.privateKeyPem, /BEGIN RSA PRIVATE KEY/);
  await pool.full();
  assert.equal(pool.available, 1);
  await pool.stop();
  assert.equal(pool.available, 0);
  pool.fill();
  assert.equal(pool.available, 0, 'a stopped pool does not refill');
});

test('a background generation failure does not break take()', async () => {
  let calls = 0;
  const pool = new KeyPool(1, async () => {
    calls += 1;
    if (calls === 1) throw new Error('generation failed');
    return generateRsaKeyPair(1024);
  });
  pool.fill();
  await pool.full();
  assert.equal(pool.available, 0);
  const k = await pool.take();
  assert.match(k.publicKeyPem, /BEGIN PUBLIC KEY/);
  await pool.stop();
});

test('a certificate issued with a pooled key carries that key and chains to the CA', async () => {
  const now = new Date();
  const ca = await createCertificateAuthority('pool test CA', validityFrom(now, DAY));
  const pool = new KeyPool(1);
  pool.fill();
  await pool.full();
  const issued = await issueClientCertificate(ca, validityFrom(now, DAY), 'inst-1', pool.take);
  const cert = new X509Certificate(issued.certPem);
  assert.ok(cert.checkPrivateKey(createPrivateKey(issued.keyPem)));
  assert.ok(cert.verify(new X509Certificate(ca.certPem).publicKey));
  assert.match(cert.subjectAltName ?? '', /urn:gateway-tray:instance:inst-1/);
  await pool.stop();
});
