import { chmodSync, existsSync, lstatSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { gatewayTrayHome } from '../config/home.ts';
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, PUBLIC_FILE_MODE, ensureDir, writeFileAtomic } from './atomic-write.ts';
import { PROFILE_NAME_PATTERN } from './profile-schema.ts';
import { inspectCertificate, isIssuedBy, keyMatchesCertificate, needsRenewal, type CertificateInfo } from './x509-inspect.ts';

export class TlsBundleError extends Error {
  override name = 'TlsBundleError';
}

export interface TlsBundlePems {
  certificate: string;
  privateKey: string;
  caCertificate: string;
}

export interface TlsBundleLocation {
  profile: string;
  instanceId: string;
  home?: string;
}

/** File name, mode: the names the gateway's config.yaml template expects under {{.TLSDir}}. */
const FILES = [
  { field: 'caCertificate', name: 'ca.crt', mode: PUBLIC_FILE_MODE },
  { field: 'privateKey', name: 'tls.key', mode: PRIVATE_FILE_MODE },
  { field: 'certificate', name: 'tls.crt', mode: PUBLIC_FILE_MODE },
] as const;

const INSTANCE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * A client certificate, its key and the cluster CA. Printing or JSON-encoding it never shows the key,
 * so a stray log line can't leak it; code that needs the key reads `privateKey` on purpose.
 */
export class TlsBundle implements TlsBundlePems {
  readonly certificate: string;
  readonly caCertificate: string;
  readonly #privateKey: string;

  constructor(pems: TlsBundlePems) {
    this.certificate = pems.certificate;
    this.caCertificate = pems.caCertificate;
    this.#privateKey = pems.privateKey;
  }

  get privateKey(): string {
    return this.#privateKey;
  }

  toJSON(): Record<string, string> {
    return { certificate: this.certificate, caCertificate: this.caCertificate, privateKey: '[redacted]' };
  }

  [inspect.custom](): string {
    return 'TlsBundle { certificate, caCertificate, privateKey: [redacted] }';
  }
}

export interface TlsBundleStatus {
  info: CertificateInfo;
  /** The CA's signature on the certificate verifies. */
  issuedByCa: boolean;
  keyMatches: boolean;
  needsRenewal: boolean;
}

export function tlsBundleDir({ profile, instanceId, home = gatewayTrayHome() }: TlsBundleLocation): string {
  if (!PROFILE_NAME_PATTERN.test(profile)) throw new TlsBundleError(`"${profile}" is not a valid profile name.`);
  if (!INSTANCE_ID_PATTERN.test(instanceId)) throw new TlsBundleError(`"${instanceId}" is not a valid instance id.`);
  return join(home, 'instances', profile, instanceId, 'tls');
}

export function checkTlsBundle(bundle: TlsBundlePems, now: Date = new Date()): TlsBundleStatus {
  const info = inspectCertificate(bundle.certificate);
  return {
    info,
    issuedByCa: isIssuedBy(bundle.certificate, bundle.caCertificate),
    keyMatches: keyMatchesCertificate(bundle.privateKey, bundle.certificate),
    needsRenewal: needsRenewal(info, now),
  };
}

/**
 * Checks the bundle, then writes it file by file, each atomically (temp file + rename). A crash
 * between two files leaves a key and certificate that don't match, which checkTlsBundle reports, so
 * the caller fetches a fresh one; it never leaves half a file.
 */
export function writeTlsBundle(location: TlsBundleLocation, pems: TlsBundlePems): TlsBundle {
  const status = checkTlsBundle(pems);
  if (!status.keyMatches) throw new TlsBundleError('The private key does not belong to the certificate; fetch a new certificate from the control plane.');
  if (!status.issuedByCa) throw new TlsBundleError('The certificate was not signed by the given CA; fetch a new certificate from the control plane.');
  const dir = tlsBundleDir(location);
  const home = location.home ?? gatewayTrayHome();
  for (const part of [join(home, 'instances'), join(home, 'instances', location.profile), join(dir, '..'), dir]) ensureDir(part, PRIVATE_DIR_MODE);
  for (const file of FILES) writeFileAtomic(join(dir, file.name), pems[file.field], file.mode);
  return new TlsBundle(pems);
}

export interface ReadTlsBundleResult {
  bundle: TlsBundle;
  /** Paths whose mode was wrong and has been set back (what to tell `doctor`). */
  repaired: string[];
}

function repairMode(path: string, mode: number, repaired: string[], kind: 'file' | 'dir'): void {
  const stat = lstatSync(path);
  if (stat.isSymbolicLink() || (kind === 'file' ? !stat.isFile() : !stat.isDirectory())) {
    throw new TlsBundleError(`${path} is not a plain ${kind === 'file' ? 'file' : 'folder'}; remove it and fetch a new certificate.`);
  }
  if ((stat.mode & 0o777) !== mode) {
    chmodSync(path, mode);
    repaired.push(`${path}: ${(stat.mode & 0o777).toString(8)} -> ${mode.toString(8)}`);
  }
}

/** Reads a bundle, or undefined when there is none yet. Loose modes are tightened and reported. */
export function readTlsBundle(location: TlsBundleLocation): ReadTlsBundleResult | undefined {
  const dir = tlsBundleDir(location);
  const present = FILES.filter((f) => existsSync(join(dir, f.name)));
  if (present.length === 0) return undefined;
  if (present.length < FILES.length) {
    const missing = FILES.filter((f) => !present.includes(f)).map((f) => f.name);
    throw new TlsBundleError(`The TLS bundle in ${dir} is incomplete (missing ${missing.join(', ')}); fetch a new certificate from the control plane.`);
  }
  const repaired: string[] = [];
  repairMode(dir, PRIVATE_DIR_MODE, repaired, 'dir');
  const pems = {} as Record<(typeof FILES)[number]['field'], string>;
  for (const file of FILES) {
    const path = join(dir, file.name);
    repairMode(path, file.mode, repaired, 'file');
    pems[file.field] = readFileSync(path, 'utf8');
  }
  return { bundle: new TlsBundle(pems), repaired };
}
