import { createHash } from 'node:crypto';
import forge from 'node-forge';

/** What the app shows and decides on about a certificate. No key material. */
export interface CertificateInfo {
  subjectCN: string | undefined;
  issuerCN: string | undefined;
  /** Subject Alternative Names of type URI (e.g. an instance id bound into the certificate). */
  sanUris: string[];
  sanDns: string[];
  /** Lowercase hex of the serial's bytes, without the sign-padding zero byte. */
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  /** Lowercase hex SHA-256 of the DER encoding, as `openssl x509 -fingerprint -sha256` prints it minus colons. */
  fingerprintSha256: string;
}

export class CertificateError extends Error {
  override name = 'CertificateError';
}

/** Parses one PEM certificate; the error says what is wrong without echoing the PEM. */
export function parseCertificate(pem: string, what = 'certificate'): forge.pki.Certificate {
  try {
    return forge.pki.certificateFromPem(pem);
  } catch (error) {
    const detail = /OID is not RSA/.test(String(error)) ? 'its key is not RSA, which this version cannot read' : 'it is not a PEM X.509 certificate';
    throw new CertificateError(`The ${what} cannot be read: ${detail}. Fetch a new certificate from the control plane.`);
  }
}

export function parsePrivateKey(pem: string, what = 'private key'): forge.pki.rsa.PrivateKey {
  try {
    return forge.pki.privateKeyFromPem(pem) as forge.pki.rsa.PrivateKey;
  } catch {
    throw new CertificateError(`The ${what} cannot be read: it is not a PEM RSA private key. Fetch a new certificate from the control plane.`);
  }
}

function commonName(attributes: forge.pki.CertificateField[]): string | undefined {
  const cn = attributes.find((a) => a.shortName === 'CN' || a.name === 'commonName');
  return typeof cn?.value === 'string' ? cn.value : undefined;
}

function derOf(pem: string): Buffer {
  // Hash the bytes as issued: re-encoding a parsed certificate need not give them back exactly.
  const block = forge.pem.decode(pem).find((m) => m.type === 'CERTIFICATE');
  if (!block) throw new CertificateError('The certificate has no "BEGIN CERTIFICATE" block. Fetch a new certificate from the control plane.');
  return Buffer.from(block.body, 'binary');
}

export function inspectCertificate(pem: string): CertificateInfo {
  const cert = parseCertificate(pem);
  const san = cert.getExtension('subjectAltName') as { altNames?: Array<{ type: number; value?: string }> } | undefined;
  const altNames = san?.altNames ?? [];
  return {
    subjectCN: commonName(cert.subject.attributes),
    issuerCN: commonName(cert.issuer.attributes),
    sanUris: altNames.filter((n) => n.type === 6 && n.value).map((n) => n.value!),
    sanDns: altNames.filter((n) => n.type === 2 && n.value).map((n) => n.value!),
    serialHex: cert.serialNumber.toLowerCase().replace(/^(00)+(?=[0-9a-f]{2})/, ''),
    notBefore: cert.validity.notBefore,
    notAfter: cert.validity.notAfter,
    fingerprintSha256: createHash('sha256').update(derOf(pem)).digest('hex'),
  };
}

/**
 * True when `caPem` signed `certPem`: the signature is checked with the CA's public key, so a
 * certificate from another CA that merely copies the issuer name is refused.
 */
export function isIssuedBy(certPem: string, caPem: string): boolean {
  const cert = parseCertificate(certPem);
  const ca = parseCertificate(caPem, 'CA certificate');
  try {
    return ca.verify(cert);
  } catch {
    // forge throws when the issuer name differs, before it gets to the signature.
    return false;
  }
}

/** True when the private key is the one whose public half the certificate carries. */
export function keyMatchesCertificate(keyPem: string, certPem: string): boolean {
  const key = parsePrivateKey(keyPem);
  const publicKey = parseCertificate(certPem).publicKey as forge.pki.rsa.PublicKey;
  return publicKey.n !== undefined && key.n.equals(publicKey.n) && key.e.equals(publicKey.e);
}

/**
 * Control planes backdate notBefore against clock skew (Gateway Tray's by 5 minutes). That is not life
 * the certificate was issued for: counted in, a 2-minute certificate would be "due" from the moment it
 * is issued, and renewed in a loop. Up to 5 minutes of it (never more than half the span) are left out.
 */
const BACKDATE_ALLOWANCE_MS = 5 * 60_000;

function lifeOf(cert: Pick<CertificateInfo, 'notBefore' | 'notAfter'>): { start: number; end: number } {
  const notBefore = cert.notBefore.getTime();
  const end = cert.notAfter.getTime();
  return { start: notBefore + Math.min(BACKDATE_ALLOWANCE_MS, Math.max(0, (end - notBefore) / 2)), end };
}

/**
 * True when under a third of the certificate's lifetime is left, or it is expired or not yet valid.
 * A third leaves room for a laptop that sleeps through a few renewal attempts.
 */
export function needsRenewal(cert: Pick<CertificateInfo, 'notBefore' | 'notAfter'>, now: Date = new Date()): boolean {
  const at = now.getTime();
  if (cert.notAfter.getTime() <= cert.notBefore.getTime() || at < cert.notBefore.getTime() || at >= cert.notAfter.getTime()) return true;
  const { start, end } = lifeOf(cert);
  return end - at < (end - start) / 3;
}

/** The moment needsRenewal turns true (given a valid clock), for scheduling the next renewal. */
export function renewalDueAt(cert: Pick<CertificateInfo, 'notBefore' | 'notAfter'>): Date {
  const { start, end } = lifeOf(cert);
  return new Date(end - (end - start) / 3);
}
