import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { TlsBundleError, checkTlsBundle, readTlsBundle, tlsBundleDir, writeTlsBundle } from '../../src/core/credentials/tls-bundle.ts';
import { testPki } from '../helpers/test-pki.ts';

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'gt-tls-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const mode = (path: string) => statSync(path).mode & 0o777;
const location = () => ({ home, profile: 'local', instanceId: testPki().instanceId });
const pems = () => ({ certificate: testPki().leaf.pem, privateKey: testPki().leaf.keyPem, caCertificate: testPki().ca.pem });

describe('TLS bundles', () => {
  test('live under instances/<profile>/<instance-id>/tls', () => {
    assert.equal(tlsBundleDir(location()), join(home, 'instances', 'local', testPki().instanceId, 'tls'));
    assert.throws(() => tlsBundleDir({ home, profile: 'local', instanceId: '../escape' }), TlsBundleError);
    assert.throws(() => tlsBundleDir({ home, profile: 'Bad', instanceId: 'x' }), TlsBundleError);
  });

  test('are written with the folder at 0700, the key at 0600 and the certificates at 0644, with no temp files left', () => {
    writeTlsBundle(location(), pems());
    const dir = tlsBundleDir(location());
    assert.equal(mode(dir), 0o700);
    assert.equal(mode(join(dir, 'tls.key')), 0o600);
    assert.equal(mode(join(dir, 'tls.crt')), 0o644);
    assert.equal(mode(join(dir, 'ca.crt')), 0o644);
    assert.deepEqual(readdirSync(dir).sort(), ['ca.crt', 'tls.crt', 'tls.key']);
    assert.equal(readFileSync(join(dir, 'tls.key'), 'utf8'), testPki().leaf.keyPem);
    assert.equal(mode(join(home, 'instances')), 0o700);
  });

  test('read back, with status: issued by the CA, key matches, no renewal due', () => {
    writeTlsBundle(location(), pems());
    const read = readTlsBundle(location());
    assert.ok(read);
    assert.deepEqual(read.repaired, []);
    assert.equal(read.bundle.certificate, testPki().leaf.pem);
    assert.equal(read.bundle.privateKey, testPki().leaf.keyPem);
    const status = checkTlsBundle(read.bundle);
    assert.equal(status.issuedByCa, true);
    assert.equal(status.keyMatches, true);
    assert.equal(status.needsRenewal, false);
    assert.equal(status.info.subjectCN, testPki().instanceId);
  });

  test('loose modes are repaired on read and reported without key material', () => {
    writeTlsBundle(location(), pems());
    const dir = tlsBundleDir(location());
    chmodSync(join(dir, 'tls.key'), 0o644);
    chmodSync(join(dir, 'tls.crt'), 0o600);
    chmodSync(dir, 0o755);
    const read = readTlsBundle(location());
    assert.equal(mode(join(dir, 'tls.key')), 0o600);
    assert.equal(mode(join(dir, 'tls.crt')), 0o644);
    assert.equal(mode(dir), 0o700);
    assert.deepEqual(read!.repaired.sort(), [`${dir}: 755 -> 700`, `${join(dir, 'tls.crt')}: 600 -> 644`, `${join(dir, 'tls.key')}: 644 -> 600`].sort());
  });

  test('the key never shows in inspect or JSON', () => {
    const bundle = writeTlsBundle(location(), pems());
    const keyBody = testPki().leaf.keyPem.split('\n')[1]!;
    assert.doesNotMatch(inspect(bundle), /PRIVATE KEY/);
    assert.doesNotMatch(`${String(bundle)} ${JSON.stringify(bundle)} ${inspect({ nested: bundle }, { depth: 5 })}`, new RegExp(keyBody.slice(0, 20).replace(/[+/]/g, '\\$&')));
    assert.equal(JSON.parse(JSON.stringify(bundle)).privateKey, '[redacted]');
  });

  test('a key that does not belong to the certificate is refused, and nothing is written', () => {
    assert.throws(() => writeTlsBundle(location(), { ...pems(), privateKey: testPki().strayKeyPem }), /private key does not belong to the certificate/);
    assert.equal(readTlsBundle(location()), undefined);
  });

  test('a certificate from another CA is refused', () => {
    assert.throws(() => writeTlsBundle(location(), { ...pems(), certificate: testPki().foreignLeaf.pem }), /not signed by the given CA/);
  });

  test('an expired certificate is written (renewal decides) and reported as due', () => {
    writeTlsBundle(location(), { ...pems(), certificate: testPki().expired.pem });
    assert.equal(checkTlsBundle(readTlsBundle(location())!.bundle).needsRenewal, true);
  });

  test('an incomplete bundle says what is missing and what to do', () => {
    writeTlsBundle(location(), pems());
    rmSync(join(tlsBundleDir(location()), 'tls.key'));
    assert.throws(() => readTlsBundle(location()), /incomplete \(missing tls\.key\); fetch a new certificate/);
  });

  test('a symlinked key is refused', () => {
    writeTlsBundle(location(), pems());
    const dir = tlsBundleDir(location());
    writeFileSync(join(home, 'elsewhere.key'), testPki().strayKeyPem, { mode: 0o600 });
    rmSync(join(dir, 'tls.key'));
    symlinkSync(join(home, 'elsewhere.key'), join(dir, 'tls.key'));
    assert.throws(() => readTlsBundle(location()), /tls\.key is not a plain file/);
  });

  test('a mixed bundle (crash between two files) is caught by checkTlsBundle', () => {
    writeTlsBundle(location(), pems());
    writeFileSync(join(tlsBundleDir(location()), 'tls.key'), testPki().strayKeyPem, { mode: 0o600 });
    assert.equal(checkTlsBundle(readTlsBundle(location())!.bundle).keyMatches, false);
  });
});
