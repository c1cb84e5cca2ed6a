import { normalizeSerial } from '../pki/serial.ts';

/** Serials remembered per instance: the current one and a few renewals back. */
export const SERIALS_PER_INSTANCE = 4;
/** Instances remembered; the least recently seen is forgotten first. */
export const MAX_INSTANCES = 100_000;
const MAX_RUN_ID = 128;

export interface Seen {
  runId: string;
  /** Oldest first; the last is the serial of the latest verified connection. */
  serials: string[];
}

/**
 * Which client-certificate serials an instance may sign with (PROTOCOL §2). API7's module derives its HMAC
 * key once per worker and keeps it until the gateway restarts, so after a renewal it presents the new
 * certificate on TLS while it still signs with the old serial's key. A serial is acceptable when this
 * control plane saw it on a verified connection for the same instance during the same gateway run
 * (X-APISEVEN-Run-Id); a new run starts over, since a restarted gateway derives its key afresh.
 * In memory only for a single control plane: after its restart only the current serial counts until the
 * gateway restarts. With `--cluster` the replicas share it through etcd (cluster/signer-sync.ts), so a
 * gateway that renewed and then moved to another replica is still accepted.
 */
export class SignerSerials {
  private readonly seen = new Map<string, Seen>();

  constructor(
    private readonly perInstance = SERIALS_PER_INSTANCE,
    private readonly maxInstances = MAX_INSTANCES,
  ) {}

  /** An instance's run or its set of serials changed (not a repeat): a cluster's replicas share it. */
  protected changed(_instanceId: string, _entry: Seen): void {
    // a single control plane keeps it in memory only
  }

  /** The serials a signature of this request may be made with, the connection's own first. */
  candidates(instanceId: string, runId: string | undefined, serial: string): string[] {
    const own = normalizeSerial(serial);
    const entry = this.seen.get(instanceId);
    if (!entry || entry.runId !== runKey(runId)) return [own];
    return [own, ...entry.serials.filter((s) => s !== own).reverse()];
  }

  /** Records the serial of a verified connection that an instance's request came on. */
  remember(instanceId: string, runId: string | undefined, serial: string): void {
    const own = normalizeSerial(serial);
    const run = runKey(runId);
    const prev = this.seen.get(instanceId);
    // The same run on the same certificate again, which is every beat but the first: only the order moves.
    if (prev && prev.runId === run && prev.serials[prev.serials.length - 1] === own) {
      this.put(instanceId, prev);
      return;
    }
    const serials = prev && prev.runId === run ? [...prev.serials.filter((s) => s !== own), own] : [own];
    const entry = { runId: run, serials: serials.slice(-this.perInstance) };
    this.put(instanceId, entry);
    if (prev?.runId !== run || !prev.serials.includes(own)) this.changed(instanceId, entry);
  }

  /**
   * What another replica saw for this instance (cluster mode): the same run adds its serials to this
   * replica's; another run (the gateway restarted) replaces them.
   */
  absorb(instanceId: string, entry: Seen): void {
    const run = runKey(entry.runId);
    const theirs = entry.serials.map(normalizeSerial);
    const prev = this.seen.get(instanceId);
    const mine = prev && prev.runId === run ? prev.serials.filter((s) => !theirs.includes(s)) : [];
    this.put(instanceId, { runId: run, serials: [...theirs, ...mine].slice(-this.perInstance) });
  }

  private put(instanceId: string, entry: Seen): void {
    // Delete first so the map's order stays "least recently seen first" for eviction.
    this.seen.delete(instanceId);
    this.seen.set(instanceId, entry);
    while (this.seen.size > this.maxInstances) {
      const oldest = this.seen.keys().next();
      if (oldest.done) break;
      this.seen.delete(oldest.value);
    }
  }

  forget(instanceId: string): void {
    this.seen.delete(instanceId);
  }
}

/** A run id longer than any uuid is not worth keeping whole; its start still tells runs apart. */
function runKey(runId: string | undefined): string {
  return (runId ?? '').slice(0, MAX_RUN_ID);
}
