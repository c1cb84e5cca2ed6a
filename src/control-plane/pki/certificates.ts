import forge from 'node-forge';
import { createPrivateKey, sign as signNative } from 'node:crypto';
import { isIP } from 'node:net';
import { freshRsaKeys, type KeySource } from './key-pool.ts';
import { generateRsaKeyPair } from './keys.ts';
import { newSerialHex } from './serial.ts';

const { pki } = forge;

/** A signing authority: the cluster CA, as PEM and as parsed forge objects. */
export interface CertificateAuthority {
  certPem: string;
  keyPem: string;
  cert: forge.pki.Certificate;
  key: forge.pki.rsa.PrivateKey;
}

export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
  serial: string;
  notBefore: Date;
  notAfter: Date;
}

export interface Validity {
  notBefore: Date;
  notAfter: Date;
}

/**
 * Certificates start a few minutes in the past, so a gateway whose clock runs a little behind accepts them.
 * Never by more than the lifetime: a client can only guess the backdate from notBefore and notAfter, and
 * sets aside at most half the span (needsRenewal); a 1-minute certificate backdated 5 minutes was due for
 * renewal from the moment it was issued, and was renewed (the gateway restarted) in a loop.
 */
const BACKDATE_MS = 5 * 60_000;

export function validityFrom(now: Date, lifetimeMs: number): Validity {
  return { notBefore: new Date(now.getTime() - Math.min(BACKDATE_MS, lifetimeMs)), notAfter: new Date(now.getTime() + lifetimeMs) };
}

export const INSTANCE_URI_PREFIX = 'urn:gateway-tray:instance:';

export function parseAuthority(certPem: string, keyPem: string): CertificateAuthority {
  return { certPem, keyPem, cert: pki.certificateFromPem(certPem), key: pki.privateKeyFromPem(keyPem) };
}

/**
 * SHA-256 with RSA, as forge's cert.sign() does it, but the RSA step in OpenSSL: forge's pure-JS
 * signature costs 40-70 ms of event loop per certificate on this machine, OpenSSL's about 1 ms.
 * forge still builds the TBSCertificate, so the encoding stays what it was.
 */
function sign(cert: forge.pki.Certificate, keyPem: string): void {
  const oid = pki.oids['sha256WithRSAEncryption'] as string;
  const c = cert as forge.pki.Certificate & { siginfo: { algorithmOid: string }; signatureOid: string; tbsCertificate: forge.asn1.Asn1; md: forge.md.MessageDigest };
  c.siginfo.algorithmOid = oid;
  c.signatureOid = oid;
  c.tbsCertificate = (pki as unknown as { getTBSCertificate(c: forge.pki.Certificate): forge.asn1.Asn1 }).getTBSCertificate(cert);
  const tbs = forge.asn1.toDer(c.tbsCertificate).getBytes();
  c.md = forge.md.sha256.create().update(tbs);
  cert.signature = signNative('sha256', Buffer.from(tbs, 'binary'), createPrivateKey(keyPem)).toString('binary');
}

export async function createCertificateAuthority(commonName: string, validity: Validity): Promise<CertificateAuthority> {
  const keys = await generateRsaKeyPair(2048);
  const key = pki.privateKeyFromPem(keys.privateKeyPem);
  const cert = pki.createCertificate();
  cert.publicKey = pki.publicKeyFromPem(keys.publicKeyPem);
  cert.serialNumber = newSerialHex();
  cert.validity.notBefore = validity.notBefore;
  cert.validity.notAfter = validity.notAfter;
  const subject = [{ name: 'commonName', value: commonName }, { name: 'organizationName', value: 'Gateway Tray' }];
  cert.setSubject(subject);
  cert.setIssuer(subject);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  sign(cert, keys.privateKeyPem);
  return { certPem: pki.certificateToPem(cert), keyPem: keys.privateKeyPem, cert, key };
}

interface LeafRequest {
  commonName: string;
  validity: Validity;
  /** 'both': etcd's own certificate, which its JSON gateway also presents when it dials etcd's gRPC side. */
  usage: 'server' | 'client' | 'both';
  dnsNames?: string[];
  ipAddresses?: string[];
  uris?: string[];
}

async function issueLeaf(ca: CertificateAuthority, req: LeafRequest, keySource: KeySource = freshRsaKeys): Promise<IssuedCertificate> {
  const keys = await keySource();
  const cert = pki.createCertificate();
  cert.publicKey = pki.publicKeyFromPem(keys.publicKeyPem);
  const serial = newSerialHex();
  cert.serialNumber = serial;
  cert.validity.notBefore = req.validity.notBefore;
  cert.validity.notAfter = req.validity.notAfter;
  cert.setSubject([{ name: 'commonName', value: req.commonName }, { name: 'organizationName', value: 'Gateway Tray' }]);
  cert.setIssuer(ca.cert.subject.attributes);
  const altNames = [
    ...(req.dnsNames ?? []).map((value) => ({ type: 2, value })),
    ...(req.ipAddresses ?? []).map((ip) => ({ type: 7, ip })),
    ...(req.uris ?? []).map((value) => ({ type: 6, value })),
  ];
  const extensions: object[] = [
    { name: 'basicConstraints', cA: false, critical: true },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: req.usage !== 'client', clientAuth: req.usage !== 'server' },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.cert.generateSubjectKeyIdentifier().getBytes() },
  ];
  if (altNames.length > 0) extensions.push({ name: 'subjectAltName', altNames });
  cert.setExtensions(extensions);
  sign(cert, ca.keyPem);
  return {
    certPem: pki.certificateToPem(cert),
    keyPem: keys.privateKeyPem,
    serial,
    notBefore: req.validity.notBefore,
    notAfter: req.validity.notAfter,
  };
}

/** The data-plane endpoint's certificate: every name a gateway may dial it by is a SAN. */
export function issueServerCertificate(ca: CertificateAuthority, names: string[], validity: Validity): Promise<IssuedCertificate> {
  const unique = [...new Set(names)];
  const ips = unique.filter((n) => isIP(n) !== 0);
  const dns = unique.filter((n) => isIP(n) === 0);
  return issueLeaf(ca, { commonName: dns[0] ?? ips[0] ?? 'localhost', validity, usage: 'server', dnsNames: dns, ipAddresses: ips });
}

/** A certificate for both ends of TLS, named like a server's (etcd's own, see LeafRequest.usage). */
export function issuePeerCertificate(ca: CertificateAuthority, names: string[], validity: Validity): Promise<IssuedCertificate> {
  const unique = [...new Set(names)];
  const ips = unique.filter((n) => isIP(n) !== 0);
  const dns = unique.filter((n) => isIP(n) === 0);
  return issueLeaf(ca, { commonName: dns[0] ?? ips[0] ?? 'localhost', validity, usage: 'both', dnsNames: dns, ipAddresses: ips });
}

/** A plain client certificate with a common name and nothing that binds it (the app's etcd client). */
export function issueNamedClientCertificate(ca: CertificateAuthority, commonName: string, validity: Validity): Promise<IssuedCertificate> {
  return issueLeaf(ca, { commonName, validity, usage: 'client' });
}

/**
 * A gateway's client certificate. Bound to an instance, it carries the id as its CN and as a SAN URI
 * (urn:gateway-tray:instance:<id>), and the data-plane endpoint refuses it for any other instance id.
 * The key comes from `keys` (the control plane's KeyPool) or is generated now.
 */
export function issueClientCertificate(ca: CertificateAuthority, validity: Validity, instanceId?: string, keys?: KeySource): Promise<IssuedCertificate> {
  if (instanceId !== undefined) {
    return issueLeaf(ca, { commonName: instanceId, validity, usage: 'client', uris: [`${INSTANCE_URI_PREFIX}${instanceId}`] }, keys);
  }
  return issueLeaf(ca, { commonName: 'gateway-tray-gateway', validity, usage: 'client' }, keys);
}

/** The SAN DNS names and IPs of a certificate, to decide whether a stored one still covers what is needed. */
export function subjectAltNames(certPem: string): string[] {
  const cert = pki.certificateFromPem(certPem);
  const ext = cert.getExtension('subjectAltName') as { altNames?: Array<{ type: number; value?: string; ip?: string }> } | null;
  return (ext?.altNames ?? []).map((a) => (a.type === 7 ? (a.ip ?? '') : (a.value ?? '')));
}

export function certificateNotAfter(certPem: string): Date {
  return pki.certificateFromPem(certPem).validity.notAfter;
}
