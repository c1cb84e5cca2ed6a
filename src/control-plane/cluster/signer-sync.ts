import { z } from 'zod';
import { SignerSerials, type Seen } from '../data-plane/signer-serials.ts';
import type { ClusterKeyValue, ClusterKv, TxnOp } from './kv.ts';

/** etcd's default --max-txn-ops is 128. */
const OPS_PER_TXN = 128;
const FLUSH_MS = 20;
const RETRY_MS = 1000;

const Entry = z.object({ runId: z.string(), serials: z.array(z.string()).max(16) });

/**
 * The serials each instance may sign with (data-plane/signer-serials.ts), shared by the replicas: API7's
 * module keeps signing with the serial of the certificate it started with, so a gateway that renewed at A
 * and then moved to B would be refused at B until it restarts if B knew only what it saw itself. Each
 * replica writes `<prefix>/signers/<id>` when an instance's run or set of serials changes (a start, a
 * renewal: not on every beat) and follows the prefix like the revocations, so the entry is at every replica
 * within the watch's delay, long before a gateway's next beat.
 */
export class ClusterSignerSerials extends SignerSerials {
  private readonly dirty = new Map<string, Seen>();
  private timer: NodeJS.Timeout | undefined;
  private writing = false;
  private stopped = false;

  constructor(
    private readonly kv: ClusterKv,
    private readonly dir: string,
    private readonly onError: (reason: string) => void,
  ) {
    super();
  }

  protected override changed(id: string, entry: Seen): void {
    this.dirty.set(id, entry);
    this.schedule(FLUSH_MS);
  }

  private schedule(ms: number): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, ms);
    this.timer.unref();
  }

  private async flush(): Promise<void> {
    if (this.writing || this.dirty.size === 0) return;
    this.writing = true;
    const batch = [...this.dirty].slice(0, OPS_PER_TXN);
    for (const [id] of batch) this.dirty.delete(id);
    const ops: TxnOp[] = batch.map(([id, entry]) => ({ put: { key: this.dir + id, value: JSON.stringify(entry) } }));
    try {
      await this.kv.txn([], ops);
    } catch (err) {
      // Kept for the next try, unless a newer entry for the same instance came meanwhile.
      for (const [id, entry] of batch) if (!this.dirty.has(id)) this.dirty.set(id, entry);
      this.onError(err instanceof Error ? err.message : String(err));
      this.writing = false;
      this.schedule(RETRY_MS);
      return;
    }
    this.writing = false;
    if (this.dirty.size > 0) this.schedule(0);
  }

  snapshot(kvs: ClusterKeyValue[]): void {
    for (const kv of kvs) this.event('put', kv);
  }

  event(type: 'put' | 'delete', kv: ClusterKeyValue): void {
    const id = kv.key.slice(this.dir.length);
    if (!id) return;
    if (type === 'delete') {
      this.forget(id);
      return;
    }
    let entry: Seen;
    try {
      entry = Entry.parse(JSON.parse(kv.value));
    } catch {
      return;
    }
    this.absorb(id, entry);
  }

  pending(): number {
    return this.dirty.size;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }
}
