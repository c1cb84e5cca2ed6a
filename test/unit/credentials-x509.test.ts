import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  CertificateError,
  inspectCertificate,
  isIssuedBy,
  keyMatchesCertificate,
  needsRenewal,
  renewalDueAt,
} from '../../src/core/credentials/x509-inspect.ts';
import { makeCert, newKeyPair, testPki } from '../helpers/test-pki.ts';

const dir = mkdtempSync(join(tmpdir(), 'gt-x509-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Asks the real openssl, so the inspection is checked against an independent reading. */
function openssl(pem: string, ...args: string[]): string {
  const file = join(dir, 'cert.pem');
  writeFileSync(file, pem);
  return execFileSync('openssl', ['x509', '-in', file, '-noout', ...args], { encoding: 'utf8' }).trim();
}

describe('inspectCertificate', () => {
  test('reads CN, SAN URIs, serial, validity and fingerprint as openssl does', () => {
    const { leaf, instanceId } = testPki();
    const info = inspectCertificate(leaf.pem);
    assert.equal(info.subjectCN, instanceId);
    assert.equal(info.issuerCN, 'Gateway Tray Test CA');
    assert.deepEqual(info.sanUris, [`urn:gateway-tray:instance:${instanceId}`]);
    assert.equal(info.serialHex, openssl(leaf.pem, '-serial').replace(/^serial=/, '').toLowerCase());
    assert.equal(info.fingerprintSha256, openssl(leaf.pem, '-fingerprint', '-sha256').replace(/^.*Fingerprint=/, '').replaceAll(':', '').toLowerCase());
    assert.equal(info.notBefore.getTime(), new Date(openssl(leaf.pem, '-startdate').replace(/^notBefore=/, '')).getTime());
    assert.equal(info.notAfter.getTime(), new Date(openssl(leaf.pem, '-enddate').replace(/^notAfter=/, '')).getTime());
  });

  test('drops the sign-padding zero byte of a serial whose top bit is set', () => {
    const keys = newKeyPair();
    const cert = makeCert({ subjectCN: 'x', keys, notBefore: new Date(), notAfter: new Date(Date.now() + 1000), serialHex: '00c0ffee0123' });
    assert.equal(inspectCertificate(cert.pem).serialHex, 'c0ffee0123');
    assert.equal(openssl(cert.pem, '-serial'), 'serial=C0FFEE0123');
  });

  test('a certificate without SANs has empty lists', () => {
    const info = inspectCertificate(testPki().expired.pem);
    assert.deepEqual(info.sanUris, []);
    assert.deepEqual(info.sanDns, []);
  });

  test('garbage is refused with an error that does not echo it', () => {
    const garbage = '-----BEGIN CERTIFICATE-----\nc2VjcmV0LXN0dWZm\n-----END CERTIFICATE-----\n';
    assert.throws(() => inspectCertificate(garbage), (error: Error) => {
      assert.ok(error instanceof CertificateError);
      assert.match(error.message, /Fetch a new certificate/);
      assert.doesNotMatch(error.message, /c2VjcmV0/);
      return true;
    });
  });
});

describe('isIssuedBy', () => {
  test('true for a certificate the CA signed', () => {
    const { leaf, ca, expired } = testPki();
    assert.equal(isIssuedBy(leaf.pem, ca.pem), true);
    assert.equal(isIssuedBy(expired.pem, ca.pem), true, 'expiry is a separate question');
  });

  test('false for a certificate from another CA with the very same name', () => {
    const { foreignLeaf, ca, otherCa } = testPki();
    assert.equal(inspectCertificate(foreignLeaf.pem).issuerCN, inspectCertificate(ca.pem).subjectCN);
    assert.equal(isIssuedBy(foreignLeaf.pem, ca.pem), false);
    assert.equal(isIssuedBy(foreignLeaf.pem, otherCa.pem), true);
  });

  test('false when the issuer name differs', () => {
    const { leaf } = testPki();
    const keys = newKeyPair();
    const unrelated = makeCert({ subjectCN: 'Someone Else', keys, notBefore: new Date(), notAfter: new Date(Date.now() + 1000), isCa: true });
    assert.equal(isIssuedBy(leaf.pem, unrelated.pem), false);
  });
});

describe('keyMatchesCertificate', () => {
  test('true for the certificate key, false for another key', () => {
    const { leaf, strayKeyPem, ca } = testPki();
    assert.equal(keyMatchesCertificate(leaf.keyPem, leaf.pem), true);
    assert.equal(keyMatchesCertificate(strayKeyPem, leaf.pem), false);
    assert.equal(keyMatchesCertificate(leaf.keyPem, ca.pem), false);
  });

  test('accepts PKCS#8 keys as well as PKCS#1', () => {
    const { leaf } = testPki();
    const pkcs8 = execFileSync('openssl', ['pkey'], { input: leaf.keyPem, encoding: 'utf8' });
    assert.match(pkcs8, /BEGIN PRIVATE KEY/);
    assert.equal(keyMatchesCertificate(pkcs8, leaf.pem), true);
  });
});

describe('needsRenewal', () => {
  const notBefore = new Date('2026-01-01T00:00:00Z');
  const notAfter = new Date('2026-01-31T00:00:00Z'); // 30 days, 5 minutes of them a backdate: renew in the last third of the rest
  const cert = { notBefore, notAfter };
  const at = (iso: string) => new Date(iso);

  test('false while more than a third of the lifetime is left', () => {
    assert.equal(needsRenewal(cert, notBefore), false);
    assert.equal(needsRenewal(cert, at('2026-01-21T00:01:39Z')), false);
    assert.equal(needsRenewal(cert, at('2026-01-21T00:01:40Z')), false, 'exactly a third left is not under a third');
  });

  test('true once under a third is left, and when expired', () => {
    assert.equal(needsRenewal(cert, at('2026-01-21T00:01:41Z')), true);
    assert.equal(needsRenewal(cert, at('2026-01-30T23:59:59Z')), true);
    assert.equal(needsRenewal(cert, notAfter), true);
    assert.equal(needsRenewal(cert, at('2027-01-01T00:00:00Z')), true);
  });

  test('true when not yet valid (a clock or issuing problem)', () => {
    assert.equal(needsRenewal(cert, at('2025-12-31T23:59:59Z')), true);
  });

  test('renewalDueAt is where the window opens', () => {
    assert.equal(renewalDueAt(cert).toISOString(), '2026-01-21T00:01:40.000Z');
  });

  test("a short certificate with the control plane's 5-minute backdate is not due as soon as it is issued", () => {
    const issued = new Date('2026-01-01T00:05:00Z');
    const short = { notBefore: new Date('2026-01-01T00:00:00Z'), notAfter: new Date('2026-01-01T00:07:00Z') }; // 2 minutes, backdated 5
    assert.equal(needsRenewal(short, issued), false);
    // Half the span (3.5 min) is set aside as backdate at most; a third of the remaining 3.5 min is 70 s.
    assert.equal(renewalDueAt(short).toISOString(), '2026-01-01T00:05:50.000Z');
    assert.equal(needsRenewal(short, new Date('2026-01-01T00:05:51Z')), true);
  });

  test('on real certificates: the fresh leaf is fine, the expired one is due', () => {
    const { leaf, expired } = testPki();
    assert.equal(needsRenewal(inspectCertificate(leaf.pem)), false);
    assert.equal(needsRenewal(inspectCertificate(expired.pem)), true);
  });
});
