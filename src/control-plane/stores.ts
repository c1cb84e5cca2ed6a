import type { JwtClaims } from './auth/jwt.ts';
import type { WatchTracker } from './config-centre/watch-tracker.ts';
import type { SignerSerials } from './data-plane/signer-serials.ts';
import { TokenStore } from './auth/token-store.ts';
import type { CertificateAuthority } from './pki/certificates.ts';
import { loadOrCreateAuthority } from './pki/authority-store.ts';
import { RevocationList } from './pki/revocation.ts';
import type { InstanceRecord } from './registry/instance.ts';
import { loadInstances } from './registry/load.ts';
import { InstanceTableWriter } from './registry/persistence.ts';
import type { InstanceRegistry, InstanceWriter } from './registry/registry.ts';
import type { DataFiles } from './storage/data-files.ts';
import { loadOrCreateIdentity, type Identity } from './storage/identity.ts';

export interface AdminTokens {
  verify(token: string, nowMs: number): JwtClaims | undefined;
}

export interface RevokedSerials {
  has(serial: string): boolean;
  /** Resolves once the revocation is stored. */
  revoke(serial: string, at: Date): Promise<void>;
}

/** What `control-plane --cluster` adds to status: whether etcd answers, and what this replica holds. */
export interface ClusterStatus {
  replica: string;
  /** Our keys' prefix in etcd. */
  prefix: string;
  /** The other replicas this one sees (each publishes itself under `watches/` on a lease). */
  other_replicas: string[];
  etcd: { reachable: boolean; since: string; last_error: string | null; members: string[] };
  instances: number;
  revoked_serials: number;
  pending_instance_writes: number;
}

/**
 * Where the control plane keeps its state: the data folder's files (the default, and the desktop app's
 * embedded control plane), or etcd (`--cluster`, cluster/open.ts). Both give the same things.
 */
export interface ControlPlaneStores {
  identity: Identity;
  ca: CertificateAuthority;
  tokens: AdminTokens;
  revocation: RevokedSerials;
  initialInstances: InstanceRecord[];
  /** Open config watches; a cluster's also counts those open on other replicas. Absent: this process's only. */
  watches?: WatchTracker;
  /** The serials each instance may sign with; a cluster's are shared by its replicas. Absent: this process's only. */
  signers?: SignerSerials;
  /** The writer of the instance table; a cluster store also keeps the registry current from etcd. */
  attach(registry: InstanceRegistry): Promise<InstanceWriter>;
  status?: () => ClusterStatus;
  close(): Promise<void>;
}

export interface StoreInput {
  files: DataFiles;
  now: Date;
  caLifetimeMs: number;
  adminTokenLifetimeMs: number;
  log: (line: string) => void;
}

/** The single replica's files, read in the order they always were. */
export async function openFileStores(input: StoreInput): Promise<ControlPlaneStores> {
  const { files, now, log } = input;
  const identity = await loadOrCreateIdentity(files.identity, now);
  const ca = await loadOrCreateAuthority(files, now, input.caLifetimeMs);
  const tokens = await TokenStore.open(files, log);
  await tokens.ensureAdminToken(identity.userId, now.getTime(), input.adminTokenLifetimeMs);
  const revocation = await RevocationList.load(files.revoked);
  const initialInstances = await loadInstances(files.instances, log);
  return {
    identity,
    ca,
    tokens,
    revocation,
    initialInstances,
    attach: (registry) => {
      const writer = new InstanceTableWriter(files.instances, () => registry.snapshot(), log);
      return Promise.resolve(writer);
    },
    close: () => Promise.resolve(),
  };
}
