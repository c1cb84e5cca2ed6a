/**
 * Which instances hold an open config-centre watch right now. It lets status tell a gateway that only
 * heartbeats from one that also receives configuration (PROTOCOL §2.3).
 */
export class WatchTracker {
  private readonly open = new Map<string, number>();

  /** Counts one open watch and returns the function that ends it; calling that twice is harmless. */
  opened(instanceId: string): () => void {
    this.open.set(instanceId, (this.open.get(instanceId) ?? 0) + 1);
    let closed = false;
    return () => {
      if (closed) return;
      closed = true;
      const left = (this.open.get(instanceId) ?? 1) - 1;
      if (left <= 0) this.open.delete(instanceId);
      else this.open.set(instanceId, left);
    };
  }

  count(instanceId: string): number {
    return this.open.get(instanceId) ?? 0;
  }

  total(): number {
    let n = 0;
    for (const v of this.open.values()) n += v;
    return n;
  }
}
