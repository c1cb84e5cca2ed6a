import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { EtcdTls } from '../etcd/transport.ts';
import { writeFileAtomic } from '../storage/atomic-file.ts';
import type { InstanceRegistry } from '../registry/registry.ts';
import type { ClusterStatus, ControlPlaneStores, StoreInput } from '../stores.ts';
import { ClusterAdminTokens } from './admin-tokens.ts';
import { InstanceSync } from './instance-sync.ts';
import { checkClusterPrefix, clusterKeys, DEFAULT_CLUSTER_PREFIX } from './keys.ts';
import { ClusterKv } from './kv.ts';
import { PrefixWatch } from './prefix-watch.ts';
import { ClusterRevocations } from './revocations.ts';
import { ClusterSignerSerials } from './signer-sync.ts';
import { ClusterWatchTracker } from './watch-presence.ts';
import { sharedAuthority, sharedIdentity, sharedJwtSecret } from './shared-state.ts';

export interface ClusterOptions {
  /** The client URLs of every etcd member, tried in order. */
  etcdUrls: string[];
  /** The operator key that seals the CA key, the JWT secret and the admin token in etcd. */
  operatorKey: string;
  /** Our keys' prefix in etcd, outside APISIX's (default /gateway-tray-cluster/). */
  prefix?: string;
  /** How long heartbeats gather before one etcd write (default 1 s). */
  flushMs?: number;
}

/** Whether etcd answers, as the watches and the writes see it; logged once per change. */
class Reachability {
  reachable = true;
  since = new Date();
  lastError: string | null = null;
  constructor(private readonly log: (line: string) => void) {}
  set(up: boolean, reason?: string): void {
    if (!up) this.lastError = reason ?? 'unknown';
    if (up === this.reachable) return;
    this.reachable = up;
    this.since = new Date();
    this.log(up ? 'cluster: etcd answers again; caches are current' : `cluster: etcd does not answer (${reason ?? 'unknown'}); serving what this replica holds`);
  }
}

/**
 * The stores of `control-plane --cluster`: identity, CA (key sealed), JWT secret (sealed), admin tokens,
 * revoked serials and the instance table live in etcd under our prefix; each replica keeps a cache of
 * them current through watches and serves from it, also while etcd does not answer.
 */
export async function openClusterStores(input: StoreInput, cluster: ClusterOptions, etcdTls: EtcdTls | undefined): Promise<ControlPlaneStores> {
  const prefix = cluster.prefix ?? DEFAULT_CLUSTER_PREFIX;
  checkClusterPrefix(prefix);
  const keys = clusterKeys(prefix);
  const kv = new ClusterKv(cluster.etcdUrls, etcdTls);
  const replica = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const reach = new Reachability(input.log);
  const watches: PrefixWatch[] = [];
  try {
    const identity = await sharedIdentity(kv, keys, input.now);
    const ca = await sharedAuthority(kv, keys, cluster.operatorKey, input.now, input.caLifetimeMs);
    // The certificate only (public), where tools read `caFile`; the key stays sealed in etcd.
    await writeFileAtomic(input.files.caCert, ca.certPem, 0o644);
    const secret = await sharedJwtSecret(kv, keys, cluster.operatorKey);
    const tokens = new ClusterAdminTokens(kv, keys, secret, cluster.operatorKey);
    await tokens.ensureAdminToken(identity.userId, input.now.getTime(), input.adminTokenLifetimeMs, input.files.adminToken);

    const tokenWatch = new PrefixWatch(kv, keys.tokens, {
      snapshot: (kvs) => tokens.apply(kvs.find((k) => k.key === keys.tokens)?.value),
      event: (e) => e.kv.key === keys.tokens && tokens.apply(e.type === 'delete' ? undefined : e.kv.value),
      reachable: (up, why) => reach.set(up, why),
    });
    watches.push(tokenWatch);
    await tokenWatch.start();

    const revocation = new ClusterRevocations(kv, keys);
    const revokedWatch = new PrefixWatch(kv, keys.revoked, {
      snapshot: (kvs) => revocation.replace(kvs),
      event: (e) => revocation.apply(e.kv.key, e.type === 'delete' ? undefined : e.kv.value),
      reachable: (up, why) => reach.set(up, why),
    });
    watches.push(revokedWatch);
    await revokedWatch.start();

    const watchTracker = new ClusterWatchTracker(kv, keys.watches, replica, (why) => reach.set(false, why));
    const presenceWatch = new PrefixWatch(kv, keys.watches, {
      snapshot: (kvs) => watchTracker.snapshot(kvs),
      event: (e) => watchTracker.event(e.type, e.kv),
      reachable: (up, why) => reach.set(up, why),
    });
    watches.push(presenceWatch);
    await presenceWatch.start();

    const signers = new ClusterSignerSerials(kv, keys.signers, (why) => reach.set(false, why));
    const signerWatch = new PrefixWatch(kv, keys.signers, {
      snapshot: (kvs) => signers.snapshot(kvs),
      event: (e) => signers.event(e.type, e.kv),
      reachable: (up, why) => reach.set(up, why),
    });
    watches.push(signerWatch);
    await signerWatch.start();

    let sync: InstanceSync | undefined;
    let registryRef: InstanceRegistry | undefined;
    const status = (): ClusterStatus => ({
      replica,
      prefix: keys.prefix,
      other_replicas: watchTracker.otherReplicas(),
      etcd: { reachable: reach.reachable, since: reach.since.toISOString(), last_error: reach.lastError, members: kv.endpoint.origins.map((o) => o.origin) },
      instances: registryRef?.snapshot().length ?? 0,
      revoked_serials: revocation.size(),
      pending_instance_writes: sync?.pending() ?? 0,
    });
    input.log(`cluster: replica ${replica} on etcd ${cluster.etcdUrls.join(', ')} under ${keys.prefix}`);
    return {
      identity,
      ca,
      tokens,
      revocation,
      initialInstances: [],
      watches: watchTracker,
      signers,
      status,
      attach: async (registry) => {
        registryRef = registry;
        const s = new InstanceSync(kv, keys.instances, registry, {
          ...(cluster.flushMs === undefined ? {} : { flushMs: cluster.flushMs }),
          onWriteError: (why) => reach.set(false, why),
          onWriteOk: () => reach.set(true),
        });
        sync = s;
        const instanceWatch = new PrefixWatch(kv, keys.instances, {
          snapshot: (kvs) => s.snapshot(kvs),
          event: (e) => s.event(e.type, e.kv),
          reachable: (up, why) => reach.set(up, why),
        });
        watches.push(instanceWatch);
        await instanceWatch.start();
        return s;
      },
      close: async () => {
        await watchTracker.stop();
        signers.stop();
        for (const w of watches) w.stop();
        kv.close();
      },
    };
  } catch (err) {
    for (const w of watches) w.stop();
    kv.close();
    throw err;
  }
}

