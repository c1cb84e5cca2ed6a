import { z } from 'zod';
import { parseAuthority } from '../pki/certificates.ts';
import { normalizeSerial } from '../pki/serial.ts';
import { InstanceTableWriter } from '../registry/persistence.ts';
import { readTextIfExists } from '../storage/atomic-file.ts';
import type { DataFiles } from '../storage/data-files.ts';
import { readJsonFile } from '../storage/json-file.ts';
import { parseTokensState } from './admin-tokens.ts';
import { clusterKeys } from './keys.ts';
import type { ClusterKv, TxnOp } from './kv.ts';
import { seal } from './sealed.ts';

const RevokedFile = z.object({ serials: z.array(z.object({ serial: z.string(), revokedAt: z.string() })) });
const IdentityFile = z.object({ userId: z.string(), orgId: z.string(), clusterId: z.string(), createdAt: z.string() });

export interface ImportSummary {
  identity: { orgId: string; clusterId: string };
  instances: number;
  revokedSerials: number;
  tokens: number;
  adminToken: boolean;
}

const BATCH = 100;

async function required(path: string): Promise<string> {
  const text = await readTextIfExists(path);
  if (text === undefined || text.trim() === '') throw new Error(`${path} is missing or empty: is this a control plane's data folder?`);
  return text;
}

/**
 * Copies a single control plane's data folder into etcd, once, before the first `--cluster` start: the
 * same identity (the app's saved ids stay valid), the same CA (every gateway's certificate stays valid), the
 * JWT secret and token hashes (the admin token keeps working), every revoked serial and every instance with
 * its registration time. Everything is read and checked before anything is written; the identity goes
 * last, so an import cut short can be run again, and a cluster that already has one is refused.
 */
export async function importDataFolder(kv: ClusterKv, prefix: string, files: DataFiles, operatorKey: string): Promise<ImportSummary> {
  const keys = clusterKeys(prefix);
  const identity = await readJsonFile(files.identity, IdentityFile);
  if (!identity) throw new Error(`${files.identity} is missing: is this a control plane's data folder?`);
  const [caCert, caKey, jwtSecret] = await Promise.all([required(files.caCert), required(files.caKey), required(files.jwtSecret)]);
  try {
    parseAuthority(caCert, caKey);
  } catch (err) {
    throw new Error(`the CA in ${files.caCert} / ${files.caKey} does not parse (${err instanceof Error ? err.message : String(err)}); nothing was imported`, { cause: err });
  }
  const tokensText = await readTextIfExists(files.tokens);
  const tokens = tokensText === undefined ? { tokens: [], revokedJtis: [] } : parseTokensState(tokensText);
  const adminToken = (await readTextIfExists(files.adminToken))?.trim();
  const revoked = (await readJsonFile(files.revoked, RevokedFile))?.serials ?? [];
  const instances = (await InstanceTableWriter.load(files.instances))?.instances ?? [];

  if (await kv.get(keys.identity)) {
    throw new Error(`etcd already holds a cluster under ${keys.prefix}; the import runs once, into an empty prefix (nothing was written)`);
  }
  const core: TxnOp[] = [
    { put: { key: keys.caCert, value: caCert } },
    { put: { key: keys.caKeySealed, value: seal(operatorKey, 'CA key', caKey) } },
    { put: { key: keys.jwtSecretSealed, value: seal(operatorKey, 'JWT secret', jwtSecret.trim()) } },
    { put: { key: keys.tokens, value: JSON.stringify(tokens) } },
    ...(adminToken ? [{ put: { key: keys.adminTokenSealed, value: seal(operatorKey, 'admin token', adminToken) } }] : []),
  ];
  const rest: TxnOp[] = [
    ...revoked.map((r) => ({ put: { key: keys.revoked + normalizeSerial(r.serial), value: r.revokedAt } })),
    ...instances.map((r) => ({ put: { key: keys.instances + r.id, value: JSON.stringify(r) } })),
  ];
  await kv.txn([{ key: keys.identity, absent: true }], core);
  for (let i = 0; i < rest.length; i += BATCH) await kv.txn([], rest.slice(i, i + BATCH));
  const done = await kv.txn([{ key: keys.identity, absent: true }], [{ put: { key: keys.identity, value: JSON.stringify(identity) } }]);
  if (!done) throw new Error(`a replica started on ${keys.prefix} during the import and made its own identity; stop it, clear the prefix and import again`);
  return {
    identity: { orgId: identity.orgId, clusterId: identity.clusterId },
    instances: instances.length,
    revokedSerials: revoked.length,
    tokens: tokens.tokens.length,
    adminToken: adminToken !== undefined,
  };
}
