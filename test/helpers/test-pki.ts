import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import forge from 'node-forge';

/**
 * A real little PKI for tests: a CA, a client certificate it signed, an expired one, and one from a
 * second CA that copies the first CA's name (so only a signature check tells them apart).
 * Keys come from node's native RSA (fast) and certificates from node-forge; built once per process.
 */

export interface TestKeyPair {
  privateKeyPem: string;
  forgePrivate: forge.pki.rsa.PrivateKey;
  forgePublic: forge.pki.rsa.PublicKey;
}

export interface TestCert {
  pem: string;
  keyPem: string;
  cert: forge.pki.Certificate;
}

export interface TestPki {
  ca: TestCert;
  /** Signed by `ca`, valid from an hour ago for 30 days, CN = instanceId, SAN URI names the instance. */
  leaf: TestCert;
  instanceId: string;
  /** Signed by `ca`, expired a month ago. */
  expired: TestCert;
  /** A CA with the same subject as `ca` but its own key. */
  otherCa: TestCert;
  /** Signed by `otherCa`. */
  foreignLeaf: TestCert;
  /** A key that belongs to no certificate here. */
  strayKeyPem: string;
}

export function newKeyPair(): TestKeyPair {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKeyPem = privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
  const forgePrivate = forge.pki.privateKeyFromPem(privateKeyPem) as forge.pki.rsa.PrivateKey;
  const forgePublic = forge.pki.setRsaPublicKey(forgePrivate.n, forgePrivate.e);
  return { privateKeyPem, forgePrivate, forgePublic };
}

export interface CertSpec {
  subjectCN: string;
  keys: TestKeyPair;
  /** Absent: self-signed. */
  issuer?: { cert: forge.pki.Certificate; keys: TestKeyPair };
  notBefore: Date;
  notAfter: Date;
  isCa?: boolean;
  sanUris?: string[];
  /** Hex; default random and positive. */
  serialHex?: string;
}

export function makeCert(spec: CertSpec): TestCert {
  const cert = forge.pki.createCertificate();
  cert.publicKey = spec.keys.forgePublic;
  // Clear the top bit so the DER integer is positive without padding.
  cert.serialNumber = spec.serialHex ?? (randomBytes(16)[0]! & 0x7f).toString(16).padStart(2, '0') + randomBytes(15).toString('hex');
  cert.validity.notBefore = spec.notBefore;
  cert.validity.notAfter = spec.notAfter;
  const subject = [{ name: 'commonName', value: spec.subjectCN }, { name: 'organizationName', value: 'Gateway Tray Tests' }];
  cert.setSubject(subject);
  cert.setIssuer(spec.issuer ? spec.issuer.cert.subject.attributes : subject);
  const extensions: object[] = [{ name: 'basicConstraints', cA: spec.isCa ?? false, critical: true }];
  if (spec.isCa) extensions.push({ name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true });
  else {
    extensions.push({ name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true });
    extensions.push({ name: 'extKeyUsage', clientAuth: true });
  }
  if (spec.sanUris?.length) extensions.push({ name: 'subjectAltName', altNames: spec.sanUris.map((value) => ({ type: 6, value })) });
  cert.setExtensions(extensions);
  cert.sign((spec.issuer?.keys ?? spec.keys).forgePrivate, forge.md.sha256.create());
  return { pem: forge.pki.certificateToPem(cert), keyPem: spec.keys.privateKeyPem, cert };
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
let cached: TestPki | undefined;

export function testPki(): TestPki {
  if (cached) return cached;
  const now = Date.now();
  const caKeys = newKeyPair();
  const ca = makeCert({ subjectCN: 'Gateway Tray Test CA', keys: caKeys, notBefore: new Date(now - DAY), notAfter: new Date(now + 3650 * DAY), isCa: true });
  const instanceId = randomUUID();
  const leafKeys = newKeyPair();
  const leaf = makeCert({
    subjectCN: instanceId,
    keys: leafKeys,
    issuer: { cert: ca.cert, keys: caKeys },
    notBefore: new Date(now - HOUR),
    notAfter: new Date(now + 30 * DAY),
    sanUris: [`urn:gateway-tray:instance:${instanceId}`],
  });
  const expired = makeCert({
    subjectCN: instanceId,
    keys: leafKeys,
    issuer: { cert: ca.cert, keys: caKeys },
    notBefore: new Date(now - 60 * DAY),
    notAfter: new Date(now - 30 * DAY),
  });
  const otherKeys = newKeyPair();
  const otherCa = makeCert({ subjectCN: 'Gateway Tray Test CA', keys: otherKeys, notBefore: new Date(now - DAY), notAfter: new Date(now + 3650 * DAY), isCa: true });
  const foreignLeaf = makeCert({
    subjectCN: instanceId,
    keys: leafKeys,
    issuer: { cert: otherCa.cert, keys: otherKeys },
    notBefore: new Date(now - HOUR),
    notAfter: new Date(now + 30 * DAY),
  });
  cached = { ca, leaf, instanceId, expired, otherCa, foreignLeaf, strayKeyPem: newKeyPair().privateKeyPem };
  return cached;
}
