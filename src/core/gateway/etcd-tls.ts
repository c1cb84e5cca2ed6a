import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';
import type { EtcdTls } from '../../control-plane/etcd/transport.ts';
import {
  createCertificateAuthority,
  issueNamedClientCertificate,
  issuePeerCertificate,
  parseAuthority,
  validityFrom,
  type CertificateAuthority,
} from '../../control-plane/pki/certificates.ts';
import { ensureDir, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, PUBLIC_FILE_MODE, writeFileAtomic } from '../credentials/atomic-write.ts';
import { etcdDir } from './etcd-record.ts';

/**
 * The app's etcd accepts only clients that show a certificate of its own small CA, kept under
 * GATEWAY_TRAY_HOME/etcd/tls (0700; keys 0600). Any other local process can connect to the port, but not
 * read or rewrite routes (which would bypass the gateways' mutual TLS). etcd's certificate is also its
 * client certificate: its JSON gateway dials etcd's gRPC side with it, and the peer port uses it too.
 */
export interface EtcdTlsFiles {
  dir: string;
  caCert: string;
  caKey: string;
  etcdCert: string;
  etcdKey: string;
  clientCert: string;
  clientKey: string;
}

export const etcdTlsFiles = (home: string): EtcdTlsFiles => {
  const dir = join(etcdDir(home), 'tls');
  return {
    dir,
    caCert: join(dir, 'ca.crt'),
    caKey: join(dir, 'ca.key'),
    etcdCert: join(dir, 'etcd.crt'),
    etcdKey: join(dir, 'etcd.key'),
    clientCert: join(dir, 'client.crt'),
    clientKey: join(dir, 'client.key'),
  };
};

/** The names the app dials its etcd by (the process and the container both publish on loopback). */
export const ETCD_TLS_NAMES = ['localhost', '127.0.0.1', '::1'];
const LIFETIME_MS = 3650 * 24 * 3600_000;
const RENEW_BEFORE_MS = 30 * 24 * 3600_000;

export interface EtcdTlsMaterial {
  files: EtcdTlsFiles;
  /** What a client of this etcd presents. */
  client: EtcdTls;
  /** What etcd itself presents, for a container that gets them copied in. */
  etcd: { certPem: string; keyPem: string };
}

function read(path: string): string {
  return readFileSync(path, 'utf8');
}

/** The client credentials of the app's etcd, or undefined when they are missing or unreadable. */
export function loadEtcdClientTls(home: string): EtcdTls | undefined {
  const f = etcdTlsFiles(home);
  try {
    return { ca: read(f.caCert), cert: read(f.clientCert), key: read(f.clientKey) };
  } catch {
    return undefined;
  }
}

function usable(f: EtcdTlsFiles, now: Date): EtcdTlsMaterial | undefined {
  const all = [f.caCert, f.caKey, f.etcdCert, f.etcdKey, f.clientCert, f.clientKey];
  if (!all.every((p) => existsSync(p))) return undefined;
  try {
    const ca = parseAuthority(read(f.caCert), read(f.caKey));
    for (const [certFile, keyFile] of [[f.etcdCert, f.etcdKey], [f.clientCert, f.clientKey]] as const) {
      const cert = forge.pki.certificateFromPem(read(certFile));
      forge.pki.privateKeyFromPem(read(keyFile));
      if (!ca.cert.verify(cert) || cert.validity.notAfter.getTime() - now.getTime() < RENEW_BEFORE_MS) return undefined;
    }
    return {
      files: f,
      client: { ca: ca.certPem, cert: read(f.clientCert), key: read(f.clientKey) },
      etcd: { certPem: read(f.etcdCert), keyPem: read(f.etcdKey) },
    };
  } catch {
    return undefined;
  }
}

/**
 * The TLS files of the app's etcd: the ones there when they are whole and valid, else a new set (a new CA
 * too: only the app and its etcd trust it, and both are about to start). Call it before etcd starts; an
 * etcd already running keeps what it loaded.
 */
export async function ensureEtcdTls(home: string, now = new Date(), log?: (line: string) => void): Promise<EtcdTlsMaterial> {
  const f = etcdTlsFiles(home);
  ensureDir(f.dir, PRIVATE_DIR_MODE);
  const found = usable(f, now);
  if (found) return found;
  if (existsSync(f.caCert)) log?.(`The TLS files of the app's etcd in ${f.dir} were incomplete, damaged or near expiry; issued new ones.`);
  const validity = validityFrom(now, LIFETIME_MS);
  const ca: CertificateAuthority = await createCertificateAuthority('Gateway Tray etcd CA', validity);
  const [server, client] = await Promise.all([issuePeerCertificate(ca, ETCD_TLS_NAMES, validity), issueNamedClientCertificate(ca, 'gateway-tray-app', validity)]);
  // Keys before certificates: a crash in between leaves no certificate without its key.
  writeFileAtomic(f.caKey, ca.keyPem, PRIVATE_FILE_MODE);
  writeFileAtomic(f.etcdKey, server.keyPem, PRIVATE_FILE_MODE);
  writeFileAtomic(f.clientKey, client.keyPem, PRIVATE_FILE_MODE);
  writeFileAtomic(f.caCert, ca.certPem, PUBLIC_FILE_MODE);
  writeFileAtomic(f.etcdCert, server.certPem, PUBLIC_FILE_MODE);
  writeFileAtomic(f.clientCert, client.certPem, PUBLIC_FILE_MODE);
  return { files: f, client: { ca: ca.certPem, cert: client.certPem, key: client.keyPem }, etcd: { certPem: server.certPem, keyPem: server.keyPem } };
}

/** etcd's TLS flags for client and peer ports, with the files at `paths` (host or container paths). */
export function etcdTlsFlags(paths: { ca: string; cert: string; key: string }): string[] {
  return [
    '--client-cert-auth', '--trusted-ca-file', paths.ca, '--cert-file', paths.cert, '--key-file', paths.key,
    '--peer-client-cert-auth', '--peer-trusted-ca-file', paths.ca, '--peer-cert-file', paths.cert, '--peer-key-file', paths.key,
  ];
}
