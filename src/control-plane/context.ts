import type { Clock } from './clock.ts';
import type { WatchTracker } from './config-centre/watch-tracker.ts';
import type { SignerSerials } from './data-plane/signer-serials.ts';
import type { EtcdClient } from './etcd/client.ts';
import type { ModuleSource } from './management/module-download.ts';
import type { CertificateAuthority } from './pki/certificates.ts';
import type { KeySource } from './pki/key-pool.ts';
import type { InstanceRegistry } from './registry/registry.ts';
import type { Identity } from './storage/identity.ts';
import type { AdminTokens, ClusterStatus, RevokedSerials } from './stores.ts';

/** What the management API and the data-plane endpoint share while the control plane runs. */
export interface ControlPlaneContext {
  identity: Identity;
  clock: Clock;
  domain: string;
  /** The etcd key prefix of APISIX's configuration. */
  prefix: string;
  etcd: EtcdClient;
  ca: CertificateAuthority;
  revocation: RevokedSerials;
  tokens: AdminTokens;
  registry: InstanceRegistry;
  watches: WatchTracker;
  clientCertLifetimeMs: number;
  /** Client keys made ahead of need (pki/key-pool.ts); absent, each certificate generates its own. */
  clientKeys?: KeySource;
  /** The open agent as a Cloud Lua Module tarball, built at start. */
  module: ModuleSource;
  /** The startup template, rendered once the data-plane port is known. */
  startupTemplate: () => string;
  log: (line: string) => void;
  /** `--cluster` only: etcd's reachability and what this replica holds. */
  cluster?: () => ClusterStatus;
  /** `--cluster` only: the signer serials shared by the replicas (else the data plane keeps its own). */
  signers?: SignerSerials;
}
