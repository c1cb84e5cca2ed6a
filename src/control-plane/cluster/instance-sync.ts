import { InstanceRecord } from '../registry/instance.ts';
import type { InstanceRegistry, InstanceWriter } from '../registry/registry.ts';
import type { ClusterKeyValue, ClusterKv, TxnOp } from './kv.ts';

/** etcd's default --max-txn-ops is 128. */
const OPS_PER_TXN = 128;

export interface InstanceSyncOptions {
  /** How long heartbeats gather before one write (default 1 s): a burst costs one transaction per 128 instances. */
  flushMs?: number;
  retryMs?: number;
  onWriteError?: (reason: string) => void;
  onWriteOk?: () => void;
}

/**
 * The instance table of a cluster: each replica keeps the whole table in memory (its cache) and writes the
 * instances it heard from to `<prefix>/instances/<id>`, batched: every `flushMs`, the changed ones go in
 * transactions of up to 128 puts. The other replicas follow through a watch and fold those records into
 * theirs (InstanceRegistry.absorb), so every replica lists the same table, and a gateway that moves keeps
 * its one registration time. last_seen is always this control plane's clock.
 *
 * Cost: one key write per heartbeat at most (several beats of one gateway within a flush cost one), in
 * 1/128 of a request; at 10,000 gateways beating every 10 s, about 1,000 keys and 8 transactions a second.
 */
export class InstanceSync implements InstanceWriter {
  private readonly dirty = new Set<string>();
  /** What etcd holds for each id as far as this replica knows (written by it or seen in the watch). */
  private readonly known = new Map<string, string>();
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private closed = false;
  private readonly flushMs: number;
  private readonly retryMs: number;

  constructor(
    private readonly kv: ClusterKv,
    private readonly dir: string,
    private readonly registry: InstanceRegistry,
    private readonly opts: InstanceSyncOptions = {},
  ) {
    this.flushMs = opts.flushMs ?? 1000;
    this.retryMs = opts.retryMs ?? 1000;
  }

  markDirty(id?: string): void {
    if (id === undefined || this.closed) return;
    this.dirty.add(id);
    this.schedule(this.flushMs);
  }

  private schedule(delayMs: number): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delayMs);
    this.timer.unref();
  }

  /** The whole prefix, at start and after a broken watch: etcd's view replaces what this replica knew of it. */
  snapshot(kvs: ClusterKeyValue[]): void {
    const seen = new Set<string>();
    for (const kv of kvs) {
      const id = kv.key.slice(this.dir.length);
      seen.add(id);
      this.absorbKv(id, kv.value);
    }
    // Deleted elsewhere while this replica could not watch: forget it, unless it beat here since.
    for (const id of [...this.known.keys()]) {
      if (!seen.has(id) && !this.dirty.has(id)) {
        this.known.delete(id);
        this.registry.forget(id);
      }
    }
  }

  event(type: 'put' | 'delete', kv: ClusterKeyValue): void {
    const id = kv.key.slice(this.dir.length);
    if (type === 'delete') {
      this.known.delete(id);
      this.dirty.delete(id);
      this.registry.forget(id);
      return;
    }
    this.absorbKv(id, kv.value);
  }

  private absorbKv(id: string, value: string): void {
    // This replica's own write coming back through the watch: nothing to fold in.
    if (this.known.get(id) === value) return;
    let remote: InstanceRecord;
    try {
      remote = InstanceRecord.parse(JSON.parse(value));
    } catch {
      return;
    }
    if (remote.id !== id) return;
    this.known.set(id, value);
    const merged = this.registry.absorb(remote);
    // This replica knows more (a later beat, an earlier registration): write the merge back.
    if (JSON.stringify(merged) !== value) this.markDirty(id);
  }

  async flush(): Promise<void> {
    if (this.flushing) await this.flushing;
    if (this.dirty.size === 0) return;
    const ids = [...this.dirty];
    this.dirty.clear();
    const ops: TxnOp[] = [];
    const wrote: [string, string | undefined][] = [];
    for (const id of ids) {
      const record = this.registry.record(id);
      const key = this.dir + id;
      if (!record) {
        if (this.known.has(id)) {
          ops.push({ delete: { key } });
          wrote.push([id, undefined]);
        }
        continue;
      }
      const value = JSON.stringify(record);
      if (this.known.get(id) === value) continue;
      ops.push({ put: { key, value } });
      wrote.push([id, value]);
    }
    this.flushing = this.write(ops, wrote).finally(() => {
      this.flushing = undefined;
    });
    await this.flushing;
  }

  private async write(ops: TxnOp[], wrote: [string, string | undefined][]): Promise<void> {
    for (let i = 0; i < ops.length; i += OPS_PER_TXN) {
      const slice = wrote.slice(i, i + OPS_PER_TXN);
      try {
        await this.kv.txn([], ops.slice(i, i + OPS_PER_TXN));
        for (const [id, value] of slice) {
          if (value === undefined) this.known.delete(id);
          else this.known.set(id, value);
        }
        this.opts.onWriteOk?.();
      } catch (err) {
        // The cache stays the truth for this replica; everything not yet written goes again.
        for (const [id] of wrote.slice(i)) this.dirty.add(id);
        this.opts.onWriteError?.(err instanceof Error ? err.message : String(err));
        this.schedule(this.retryMs);
        return;
      }
    }
  }

  pending(): number {
    return this.dirty.size;
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush().catch(() => undefined);
    this.closed = true;
  }
}
