import { readTlsBundle } from '../credentials/tls-bundle.ts';
import { inspectCertificate, needsRenewal } from '../credentials/x509-inspect.ts';
import type { CertificateFacts } from './status-inputs.ts';

/** The instance's certificate on the host (the one put into its container); null when there is none. */
export function readCertificateFacts(home: string, profile: string, instanceId: string, now: Date): CertificateFacts | null {
  let read;
  try {
    read = readTlsBundle({ home, profile, instanceId });
  } catch {
    return null;
  }
  if (!read) return null;
  const info = inspectCertificate(read.bundle.certificate);
  return { notBefore: info.notBefore.getTime(), notAfter: info.notAfter.getTime(), needsRenewal: needsRenewal(info, now) };
}
