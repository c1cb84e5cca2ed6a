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
  if (certPem && keyPem) return parseAuthority(certPem, keyPem);
  if (certPem && !keyPem) {
    throw new Error(`${files.caCert} exists but its key ${files.caKey} is missing; restore the key or remove both to create a new CA`);
  }
  const ca = await createCertificateAuthority('Gateway Tray local control plane CA', validityFrom(now, lifetimeMs));
  await writeFileAtomic(files.caKey, ca.keyPem, 0o600);
  await writeFileAtomic(files.caCert, ca.certPem, 0o644);
  return ca;
}

const RENEW_BEFORE_MS = 30 * 24 * 3600_000;

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
): Promise<ServerIdentity> {
  const [certPem, keyPem] = await Promise.all([readTextIfExists(files.serverCert), readTextIfExists(files.serverKey)]);
  if (certPem && keyPem) {
    const sans = new Set(subjectAltNames(certPem));
    const fresh = certificateNotAfter(certPem).getTime() - now.getTime() > Math.min(RENEW_BEFORE_MS, lifetimeMs / 2);
    if (fresh && names.every((n) => sans.has(n)) && chainsTo(certPem, ca)) return { certPem, keyPem };
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
