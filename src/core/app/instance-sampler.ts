import type { ApiCallsPoint, HeartbeatPoint } from '../../contract/ipc-contract.ts';
import type { ControlPlaneClient } from '../cloud/client.ts';
import type { GatewayInstance } from '../cloud/types.ts';

const KEEP = 60;

/** The control plane's cumulative requests by status code, when it keeps them (Gateway Tray's does). */
function byStatusOf(record: GatewayInstance): Record<string, number> | undefined {
  const m = (record as { metrics?: { requests_by_status?: unknown } | null }).metrics?.requests_by_status;
  if (!m || typeof m !== 'object') return undefined;
  const out: Record<string, number> = {};
  for (const [code, n] of Object.entries(m)) if (typeof n === 'number' && Number.isFinite(n)) out[code] = n;
  return out;
}

/** Requests per status code since the previous record; a counter that went down (a restart) counts from zero. */
export function statusDelta(prev: Record<string, number> | undefined, next: Record<string, number> | undefined): Record<string, number> | undefined {
  if (!next) return undefined;
  const out: Record<string, number> = {};
  for (const [code, n] of Object.entries(next)) {
    const before = prev?.[code] ?? 0;
    const d = n >= before ? n - before : n;
    if (d > 0) out[code] = d;
  }
  return out;
}

/**
 * Keeps what the dashboard draws from the control plane's record of the instance and the status
 * snapshot does not hold: the recent heartbeats (each new `last_seen_time`), the API calls counted
 * between them (the growth of `api_calls`), and the gateway's applied config revision. It has no timer
 * of its own: the status watcher's polls of the same record feed it (observe), so one request serves
 * both, at the watcher's pace (often while somebody looks, at the heartbeat interval while nobody does).
 * sample() looks at once, for the moments that cannot wait (after a launch, around a route change).
 */
export class InstanceSampler {
  #heartbeats: HeartbeatPoint[] = [];
  #calls: ApiCallsPoint[] = [];
  #latest: GatewayInstance | undefined;
  #stopped = false;

  constructor(
    private readonly source: { client?: ControlPlaneClient; clusterId: () => Promise<string>; instanceId: () => string | undefined },
    private readonly on: { metrics: () => void; applied: () => void },
  ) {}

  get latest(): GatewayInstance | undefined {
    return this.#latest;
  }

  heartbeats(): HeartbeatPoint[] {
    return [...this.#heartbeats];
  }

  apiCalls(): ApiCallsPoint[] {
    return [...this.#calls];
  }

  /** After stop(), records are ignored: the session they belong to is gone. */
  stop(): void {
    this.#stopped = true;
  }

  /** One look at the record now; resolves with it (undefined when there is none or no answer). */
  async sample(): Promise<GatewayInstance | undefined> {
    const id = this.source.instanceId();
    if (!id || !this.source.client) return undefined;
    let record: GatewayInstance;
    try {
      record = await this.source.client.instance(await this.source.clusterId(), id);
    } catch {
      return undefined;
    }
    this.observe(record);
    return record;
  }

  /** One record of the instance, however it was fetched. */
  observe(record: GatewayInstance): void {
    if (this.#stopped) return;
    const prev = this.#latest;
    this.#latest = record;
    if (prev?.last_seen_time !== record.last_seen_time) {
      this.#heartbeats = [...this.#heartbeats, { at: record.last_seen_time, status: record.status }].slice(-KEEP);
      // A re-registration starts the count again, so a drop is a new count, not negative calls.
      const calls = prev && record.api_calls >= prev.api_calls ? record.api_calls - prev.api_calls : prev ? record.api_calls : 0;
      // The first record has no interval before it: like calls, its counts start at nothing.
      const byStatus = prev ? statusDelta(byStatusOf(prev), byStatusOf(record)) : byStatusOf(record) && {};
      this.#calls = [...this.#calls, { at: record.last_seen_time, calls, ...(byStatus ? { byStatus } : {}) }].slice(-KEEP);
      this.on.metrics();
    }
    if (prev?.applied_revision !== record.applied_revision) this.on.applied();
  }
}
