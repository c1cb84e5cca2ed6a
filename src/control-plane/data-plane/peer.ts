import type { TLSSocket } from 'node:tls';
import { INSTANCE_URI_PREFIX } from '../pki/certificates.ts';
import { normalizeSerial } from '../pki/serial.ts';

/** What the control plane learned from a gateway's client certificate at handshake. */
export interface PeerInfo {
  serial: string;
  notAfterMs: number;
  /** Set when the certificate is bound to one instance (SAN URI urn:gateway-tray:instance:<id>). */
  boundInstanceId: string | undefined;
}

/**
 * Reads the verified peer certificate once per connection. Only the SAN URI binds a certificate: the CN is
 * informative, and a SAN is what the issuer controls in every certificate profile. getPeerX509Certificate
 * reads only the fields asked for; getPeerCertificate() would also compute three fingerprints and copy
 * the key on every connection, a tenth of a resumed handshake's cost.
 */
export function readPeer(socket: TLSSocket): PeerInfo | undefined {
  const cert = socket.getPeerX509Certificate();
  if (!cert || !cert.serialNumber) return undefined;
  let bound: string | undefined;
  for (const entry of (cert.subjectAltName ?? '').split(',')) {
    const san = entry.trim();
    if (san.startsWith(`URI:${INSTANCE_URI_PREFIX}`)) bound = san.slice(4 + INSTANCE_URI_PREFIX.length);
  }
  const notAfterMs = Date.parse(cert.validTo);
  return { serial: normalizeSerial(cert.serialNumber), notAfterMs: Number.isNaN(notAfterMs) ? 0 : notAfterMs, boundInstanceId: bound };
}
