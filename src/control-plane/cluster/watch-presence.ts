import { WatchTracker } from '../config-centre/watch-tracker.ts';
import type { ClusterKeyValue, ClusterKv } from './kv.ts';

const LEASE_TTL_S = 10;
const KEEPALIVE_MS = 3000;
const PUBLISH_DELAY_MS = 300;

/**
 * Which instances hold an open config watch, across replicas: a gateway's watch and its heartbeats may
 * reach different replicas. Each replica publishes the ids with a watch open on it to
 * `<prefix>/watches/<replica>`, on a lease (10 s), rewritten when the set changes; every replica follows
 * that prefix. A replica that dies takes its key with it when the lease runs out. Every replica publishes
 * its key from the start (an empty set), so the keys also say which replicas are alive (`status`).
 */
export class ClusterWatchTracker extends WatchTracker {
  private readonly remote = new Map<string, Set<string>>();
  /** This replica's open watches per instance (WatchTracker keeps its own count private). */
  private readonly local = new Map<string, number>();
  private lease: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private keepalive: NodeJS.Timeout | undefined;
  private publishing = false;
  private again = false;
  private stopped = false;

  constructor(
    private readonly kv: ClusterKv,
    private readonly dir: string,
    private readonly replica: string,
    private readonly onError: (reason: string) => void,
  ) {
    super();
    this.keepalive = setInterval(() => void this.renew(), KEEPALIVE_MS);
    this.keepalive.unref();
    // Published at once, with no watch open yet: the key also tells the other replicas this one is alive.
    this.changed();
  }

  /** The replicas whose key is under `watches/` (alive within the lease's 10 s), this one left out. */
  otherReplicas(): string[] {
    return [...this.remote.keys()].sort();
  }

  override opened(instanceId: string): () => void {
    const close = super.opened(instanceId);
    this.local.set(instanceId, (this.local.get(instanceId) ?? 0) + 1);
    this.changed();
    let closed = false;
    return () => {
      if (closed) return;
      closed = true;
      close();
      const left = (this.local.get(instanceId) ?? 1) - 1;
      if (left <= 0) this.local.delete(instanceId);
      else this.local.set(instanceId, left);
      this.changed();
    };
  }

  override count(instanceId: string): number {
    let n = super.count(instanceId);
    for (const ids of this.remote.values()) if (ids.has(instanceId)) n++;
    return n;
  }

  snapshot(kvs: ClusterKeyValue[]): void {
    this.remote.clear();
    for (const kv of kvs) this.event('put', kv);
  }

  event(type: 'put' | 'delete', kv: ClusterKeyValue): void {
    const who = kv.key.slice(this.dir.length);
    if (who === this.replica) return;
    if (type === 'delete') {
      this.remote.delete(who);
      return;
    }
    try {
      this.remote.set(who, new Set(JSON.parse(kv.value) as string[]));
    } catch {
      this.remote.delete(who);
    }
  }

  private changed(): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.publish();
    }, PUBLISH_DELAY_MS);
    this.timer.unref();
  }

  private localIds(): string[] {
    return [...this.local.keys()];
  }

  private async publish(): Promise<void> {
    if (this.publishing) {
      this.again = true;
      return;
    }
    this.publishing = true;
    try {
      this.lease ??= await this.kv.grantLease(LEASE_TTL_S);
      await this.kv.txn([], [{ put: { key: this.dir + this.replica, value: JSON.stringify(this.localIds()), lease: this.lease } }]);
    } catch (err) {
      this.lease = undefined;
      this.onError(err instanceof Error ? err.message : String(err));
      this.changed();
    } finally {
      this.publishing = false;
    }
    if (this.again) {
      this.again = false;
      this.changed();
    }
  }

  private async renew(): Promise<void> {
    if (!this.lease || this.stopped) return;
    try {
      // Expired (etcd was away longer than the TTL): a new lease, and the set written again.
      if (!(await this.kv.keepAlive(this.lease))) {
        this.lease = undefined;
        this.changed();
      }
    } catch {
      // etcd does not answer: the next renewal tries again; the lease may expire, then it is remade
    }
  }

  /** Stops publishing and removes this replica's key (else the lease removes it within 10 s). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.keepalive) clearInterval(this.keepalive);
    if (this.lease) await this.kv.txn([], [{ delete: { key: this.dir + this.replica } }]).catch(() => undefined);
  }
}
