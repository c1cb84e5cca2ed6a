import { normalizeSerial } from '../pki/serial.ts';
import type { ClusterKeys } from './keys.ts';
import type { ClusterKv } from './kv.ts';

/**
 * Revoked serials of a cluster: one key per serial under `<prefix>/revoked/`, followed by every replica
 * through a watch (the caller feeds `apply`), so a revocation at any replica is refused by all of them
 * within the watch's delay, at handshake and on the next request of connections already open.
 */
export class ClusterRevocations {
  private readonly serials = new Map<string, string>();

  constructor(
    private readonly kv: ClusterKv,
    private readonly keys: ClusterKeys,
  ) {}

  has(serial: string): boolean {
    return this.serials.has(normalizeSerial(serial));
  }

  /** Resolves once etcd holds it (so it survives this replica), and this replica refuses it at once. */
  async revoke(serial: string, at: Date): Promise<void> {
    const key = normalizeSerial(serial);
    if (this.serials.has(key)) return;
    await this.kv.txn([{ key: this.keys.revoked + key, absent: true }], [{ put: { key: this.keys.revoked + key, value: at.toISOString() } }]);
    this.serials.set(key, at.toISOString());
  }

  apply(key: string, value: string | undefined): void {
    const serial = key.slice(this.keys.revoked.length);
    if (!serial) return;
    if (value === undefined) this.serials.delete(serial);
    else this.serials.set(serial, value);
  }

  replace(entries: { key: string; value: string }[]): void {
    // A revocation is never undone by a resync that missed it: only add.
    for (const e of entries) this.apply(e.key, e.value);
  }

  size(): number {
    return this.serials.size;
  }
}
