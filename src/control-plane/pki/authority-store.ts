import { basename, dirname } from 'node:path';
import forge from 'node-forge';
import { readTextIfExists, writeFileAtomic } from '../storage/atomic-file.ts';
import type { DataFiles } from '../storage/data-files.ts';
import {
  certificateNotAfter,
  createCertificateAuthority,
  issueServerCertificate,
  parseAuthority,
  subjectAltNames,
  validityFrom,
  type CertificateAuthority,
} from './certificates.ts';

export interface ServerIdentity {
  certPem: string;
  keyPem: string;
}

/**
 * The cluster CA persists across restarts: every certificate a gateway holds chains to it, so a new CA
 * would orphan them all. The key is written at 0600 before the certificate, so a crash in between leaves
 * no certificate without its key.
 */
export async function loadOrCreateAuthority(files: DataFiles, now: Date, lifetimeMs: number): Promise<CertificateAuthority> {
  const [certPem, keyPem] = await Promise.all([readTextIfExists(files.caCert), readTextIfExists(files.caKey)]);
  // An empty file is a damaged one, not a missing one: a new CA would orphan every gateway's certificate.
  if (certPem !== undefined && keyPem !== undefined) return parseStoredAuthority(files, certPem, keyPem);
  if (certPem !== undefined) {
    throw new Error(`${files.caCert} exists but its key ${files.caKey} is missing; restore the key or move both aside to create a new CA (every gateway then needs a new certificate)`);
  }
  if (keyPem !== undefined) {
    throw new Error(`${files.caKey} exists but its certificate ${files.caCert} is missing; restore the certificate or move both aside to create a new CA (every gateway then needs a new certificate)`);
  }
  const ca = await createCertificateAuthority('Gateway Tray local control plane CA', validityFrom(now, lifetimeMs));
  await writeFileAtomic(files.caKey, ca.keyPem, 0o600);
  await writeFileAtomic(files.caCert, ca.certPem, 0o644);
  return ca;
}

/** A damaged CA file: the error names it and says both ways out, since neither is free. */
export class DamagedAuthorityError extends Error {
  override name = 'DamagedAuthorityError';
  constructor(readonly file: string, what: string, reason: string) {
    super(
      `${basename(file)} in ${dirname(file)} is not ${what}: ${reason}; restore it from a backup or move the folder aside to start a new CA ` +
        '(every gateway then needs a new certificate)',
    );
  }
}

function reasonOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function parseStoredAuthority(files: DataFiles, certPem: string, keyPem: string): CertificateAuthority {
  let cert: forge.pki.Certificate;
  try {
    cert = forge.pki.certificateFromPem(certPem);
  } catch (err) {
    throw new DamagedAuthorityError(files.caCert, 'a PEM certificate', reasonOf(err));
  }
  let key: forge.pki.rsa.PrivateKey;
  try {
    key = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
  } catch (err) {
    throw new DamagedAuthorityError(files.caKey, 'a PEM RSA private key', reasonOf(err));
  }
  if (!key?.n || (cert.publicKey as forge.pki.rsa.PublicKey).n.compareTo(key.n) !== 0) {
    throw new DamagedAuthorityError(files.caKey, `the key of ${basename(files.caCert)}`, 'the two do not match');
  }
  return { ...parseAuthority(certPem, keyPem), cert, key };
}

const RENEW_BEFORE_MS = 30 * 24 * 3600_000;

/** A stored server certificate that can't be read is as good as none: it is reissued (the CA is what matters). */
function storedServerCertificate(certPem: string, keyPem: string): { sans: Set<string>; notAfter: Date } | undefined {
  try {
    const key = forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey;
    const cert = forge.pki.certificateFromPem(certPem);
    if ((cert.publicKey as forge.pki.rsa.PublicKey).n.compareTo(key.n) !== 0) return undefined;
    return { sans: new Set(subjectAltNames(certPem)), notAfter: certificateNotAfter(certPem) };
  } catch {
    return undefined;
  }
}

/**
 * The data-plane endpoint's certificate is reissued when it no longer covers every name gateways dial
 * (the domain or a listen address changed) or when it is about to expire; otherwise it is kept.
 */
export async function loadOrIssueServerCertificate(
  files: DataFiles,
  ca: CertificateAuthority,
  names: string[],
  now: Date,
  lifetimeMs: number,
  log: (line: string) => void = () => undefined,
): Promise<ServerIdentity> {
  const [certPem, keyPem] = await Promise.all([readTextIfExists(files.serverCert), readTextIfExists(files.serverKey)]);
  if (certPem && keyPem) {
    const stored = storedServerCertificate(certPem, keyPem);
    if (stored) {
      const fresh = stored.notAfter.getTime() - now.getTime() > Math.min(RENEW_BEFORE_MS, lifetimeMs / 2);
      if (fresh && names.every((n) => stored.sans.has(n)) && chainsTo(certPem, ca)) return { certPem, keyPem };
    } else {
      log(`${files.serverCert} or ${files.serverKey} is damaged (not PEM, or the two do not match); issuing a new server certificate from the cluster CA (gateways keep theirs)`);
    }
  }
  const issued = await issueServerCertificate(ca, names, validityFrom(now, lifetimeMs));
  await writeFileAtomic(files.serverKey, issued.keyPem, 0o600);
  await writeFileAtomic(files.serverCert, issued.certPem, 0o644);
  return { certPem: issued.certPem, keyPem: issued.keyPem };
}

function chainsTo(certPem: string, ca: CertificateAuthority): boolean {
  try {
    return ca.cert.verify(forge.pki.certificateFromPem(certPem));
  } catch {
    return false;
  }
}
