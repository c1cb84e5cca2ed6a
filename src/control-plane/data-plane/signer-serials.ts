import { normalizeSerial } from '../pki/serial.ts';

/** Serials remembered per instance: the current one and a few renewals back. */
export const SERIALS_PER_INSTANCE = 4;
/** Instances remembered; the least recently seen is forgotten first. */
export const MAX_INSTANCES = 100_000;
const MAX_RUN_ID = 128;

interface Seen {
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
 * In memory only: after a control-plane restart only the current serial counts until the gateway restarts.
 */
export class SignerSerials {
  private readonly seen = new Map<string, Seen>();

  constructor(
    private readonly perInstance = SERIALS_PER_INSTANCE,
    private readonly maxInstances = MAX_INSTANCES,
  ) {}

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
    const serials = prev && prev.runId === run ? [...prev.serials.filter((s) => s !== own), own] : [own];
    // Delete first so the map's order stays "least recently seen first" for eviction.
    this.seen.delete(instanceId);
    this.seen.set(instanceId, { runId: run, serials: serials.slice(-this.perInstance) });
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
