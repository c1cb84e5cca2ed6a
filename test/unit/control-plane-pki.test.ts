import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateAuthority, loadOrIssueServerCertificate } from '../../src/control-plane/pki/authority-store.ts';
import { createCertificateAuthority, issueClientCertificate, validityFrom } from '../../src/control-plane/pki/certificates.ts';
import { newSerialHex, normalizeSerial } from '../../src/control-plane/pki/serial.ts';
import { RevocationList } from '../../src/control-plane/pki/revocation.ts';
import { dataFiles } from '../../src/control-plane/storage/data-files.ts';

const DAY = 86_400_000;

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await mkdtemp(join(tmpdir(), 'gt-pki-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function opensslVerify(dir: string, caPem: string, certPem: string, purpose: string): string {
  const ca = join(dir, 'verify-ca.pem');
  const leaf = join(dir, 'verify-leaf.pem');
  execFileSync('sh', ['-c', `cat > ${ca} <<'X'\n${caPem}\nX\ncat > ${leaf} <<'X'\n${certPem}\nX`]);
  return execFileSync('openssl', ['verify', '-purpose', purpose, '-CAfile', ca, leaf], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

test('serials are 16 bytes, positive, without a leading zero, and unique', () => {
  const seen = new Set<string>();
  for (let i = 0; i < 2000; i++) {
    const s = newSerialHex();
    assert.match(s, /^[1-7][0-9a-f]{31}$/);
    seen.add(s);
  }
  assert.equal(seen.size, 2000);
  assert.equal(normalizeSerial('00:1A:2b'), '1a2b');
});

test('the CA, the server certificate and client certificates verify with openssl', async () => {
  await withDir(async (dir) => {
    const files = dataFiles(dir);
    const now = new Date();
    const ca = await loadOrCreateAuthority(files, now, 3650 * DAY);
    const server = await loadOrIssueServerCertificate(files, ca, ['cp.example.test', 'host.docker.internal', 'localhost', '127.0.0.1'], now, 365 * DAY);
    assert.match(opensslVerify(dir, ca.certPem, server.certPem, 'sslserver'), /OK/);
    const x = new X509Certificate(server.certPem);
    assert.equal(x.subjectAltName, 'DNS:cp.example.test, DNS:host.docker.internal, DNS:localhost, IP Address:127.0.0.1');
    assert.ok(x.checkHost('host.docker.internal'));
    assert.ok(x.checkIP('127.0.0.1'));

    const unbound = await issueClientCertificate(ca, validityFrom(now, 90 * DAY));
    assert.match(opensslVerify(dir, ca.certPem, unbound.certPem, 'sslclient'), /OK/);
    const bound = await issueClientCertificate(ca, validityFrom(now, 90 * DAY), 'gw-123');
    const bx = new X509Certificate(bound.certPem);
    assert.match(bx.subject, /CN=gw-123/);
    assert.equal(bx.subjectAltName, 'URI:urn:gateway-tray:instance:gw-123');
    assert.equal(bx.serialNumber.toLowerCase(), bound.serial);
    assert.ok(Math.abs(new Date(bx.validTo).getTime() - (now.getTime() + 90 * DAY)) < 2000);
    assert.ok(bx.verify(new X509Certificate(ca.certPem).publicKey));
    assert.equal(new X509Certificate(ca.certPem).ca, true);
  });
});

test('keys rest at 0600 and the CA persists across loads', async () => {
  await withDir(async (dir) => {
    const files = dataFiles(dir);
    const ca1 = await loadOrCreateAuthority(files, new Date(), 3650 * DAY);
    assert.equal((await stat(files.caKey)).mode & 0o777, 0o600);
    const names = ['a.test', 'localhost'];
    const s1 = await loadOrIssueServerCertificate(files, ca1, names, new Date(), 365 * DAY);
    assert.equal((await stat(files.serverKey)).mode & 0o777, 0o600);
    const ca2 = await loadOrCreateAuthority(files, new Date(), 3650 * DAY);
    assert.equal(ca2.certPem, ca1.certPem);
    const s2 = await loadOrIssueServerCertificate(files, ca2, names, new Date(), 365 * DAY);
    assert.equal(s2.certPem, s1.certPem, 'a server certificate that still fits is kept');
    const s3 = await loadOrIssueServerCertificate(files, ca2, [...names, '172.17.0.1'], new Date(), 365 * DAY);
    assert.notEqual(s3.certPem, s1.certPem, 'a new listen address gets a new certificate');
    assert.match(new X509Certificate(s3.certPem).subjectAltName ?? '', /IP Address:172\.17\.0\.1/);
  });
});

test('a CA certificate without its key is reported, not silently replaced', async () => {
  await withDir(async (dir) => {
    const files = dataFiles(dir);
    await loadOrCreateAuthority(files, new Date(), DAY);
    await rm(files.caKey);
    await assert.rejects(loadOrCreateAuthority(files, new Date(), DAY), /key .* is missing/);
  });
});

test('an expired client certificate is seen as expired by openssl', async () => {
  await withDir(async (dir) => {
    const ca = await createCertificateAuthority('test CA', validityFrom(new Date(), 10 * DAY));
    const expired = await issueClientCertificate(ca, { notBefore: new Date(Date.now() - 2 * DAY), notAfter: new Date(Date.now() - DAY) });
    assert.throws(() => opensslVerify(dir, ca.certPem, expired.certPem, 'sslclient'), /expired/);
  });
});

test('the revoke list persists and matches serials however they are written', async () => {
  await withDir(async (dir) => {
    const path = join(dir, 'revoked.json');
    const list = await RevocationList.load(path);
    await list.revoke('1A2B3C', new Date());
    assert.equal(list.has('1a2b3c'), true);
    assert.equal(list.has('00:1A:2B:3C'), true);
    const again = await RevocationList.load(path);
    assert.equal(again.has('1a2b3c'), true);
    assert.equal(again.has('ffff'), false);
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    await writeFile(path, 'nonsense');
    await assert.rejects(RevocationList.load(path), /not valid JSON/);
    assert.ok((await readFile(path, 'utf8')).length > 0);
  });
});
