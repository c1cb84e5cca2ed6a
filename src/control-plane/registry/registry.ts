import type { Clock } from '../clock.ts';
import type { WatchTracker } from '../config-centre/watch-tracker.ts';
import { RequestTotals } from '../metrics/request-totals.ts';
import type { GatewayInstance, InstanceRecord } from './instance.ts';
import { instanceStatus, type StatusThresholds } from './status.ts';

/** A heartbeat after validation, with what the TLS layer saw of the client certificate. */
export interface HeartbeatInput {
  id: string;
  hostname?: string | undefined;
  ip?: string | undefined;
  domain?: string | undefined;
  version?: string | undefined;
  agentVersion?: string | undefined;
  runId?: string | undefined;
  ports?: string[] | undefined;
  apiCalls: number;
  /** The gateway's own view of the config centre; undefined when it does not know (PROTOCOL §6). */
  etcdReachable: boolean | undefined;
  configVersion?: number | undefined;
  appliedRevision?: number | undefined;
  certSerial: string;
  certNotAfterMs: number;
  /** The certificate is bound to this id (its SAN URI names it). */
  certBound?: boolean | undefined;
}

/**
 * Where the table goes: the data folder's instances.json (InstanceTableWriter), or etcd in `--cluster`
 * (cluster/instance-sync.ts). `id` names the instance that changed, when one did.
 */
export interface InstanceWriter {
  markDirty(id?: string): void;
  close(): Promise<void>;
}

/**
 * The live instance table, in memory; a writer mirrors it to the data folder. Liveness comes only from
 * the control plane's clock at the moment a heartbeat is accepted.
 */
export class InstanceRegistry {
  private readonly records = new Map<string, InstanceRecord>();
  private readonly totals = new Map<string, RequestTotals>();
  private writer: InstanceWriter | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly thresholds: StatusThresholds,
    private readonly watches: WatchTracker,
    initial: InstanceRecord[] = [],
  ) {
    for (const r of initial) this.records.set(r.id, r);
  }

  attachWriter(writer: InstanceWriter): void {
    this.writer = writer;
  }

  snapshot(): InstanceRecord[] {
    return [...this.records.values()];
  }

  /** Records a heartbeat; the first one of an id is its registration. */
  heartbeat(hb: HeartbeatInput): { registered: boolean; record: InstanceRecord } {
    const now = this.clock.now();
    const prev = this.records.get(hb.id);
    // A first beat is a later beat to a record that knows nothing yet: one set of rules for both.
    const record = prev ?? blankRecord(hb.id, now);
    this.update(record, hb, now);
    if (!prev) this.records.set(hb.id, record);
    this.writer?.markDirty(hb.id);
    return { registered: prev === undefined, record };
  }

  /**
   * A beat written into its instance's record: a new record per beat (10,000 gateways, each record
   * living for one interval) was promoted to the old generation and died there, and the profile showed
   * that GC work. What the beat leaves out keeps its last value.
   */
  private update(r: InstanceRecord, hb: HeartbeatInput, now: number): void {
    if (hb.hostname !== undefined) r.hostname = hb.hostname;
    if (hb.ip !== undefined) r.ip = hb.ip;
    if (hb.domain !== undefined) r.domain = hb.domain;
    if (hb.version !== undefined) r.version = hb.version;
    if (hb.agentVersion !== undefined) r.agentVersion = hb.agentVersion;
    if (hb.runId !== undefined) r.runId = hb.runId;
    if (hb.ports !== undefined) r.ports = hb.ports;
    r.apiCalls += hb.apiCalls;
    // An unknown view keeps the last known one: a failed scrape says nothing about the config centre.
    if (hb.etcdReachable !== undefined) r.etcdReachable = hb.etcdReachable;
    if (hb.configVersion !== undefined) r.configVersion = hb.configVersion;
    if (hb.appliedRevision !== undefined) r.appliedRevision = hb.appliedRevision;
    r.lastSeenMs = now;
    r.certSerial = hb.certSerial;
    r.certNotAfterMs = hb.certNotAfterMs;
    // Once bound, always bound: an unbound certificate never takes the instance over (see boundOnly).
    if (hb.certBound === true) r.certBound = true;
  }

  /** Folds a chunk of Prometheus text into the instance's totals; false when the instance is unknown. */
  metrics(id: string, text: string): boolean {
    const record = this.records.get(id);
    if (!record) return false;
    let totals = this.totals.get(id);
    if (!totals) {
      totals = new RequestTotals();
      this.totals.set(id, totals);
    }
    totals.ingest(text);
    // Written into the record's own summary when it is this registry's (another replica's, from absorb, is
    // replaced): one object per instance for its whole life instead of one per post dying in the old generation.
    const requestsByStatus = totals.byStatus() as Record<string, number>;
    if (record.metrics?.requestsByStatus === requestsByStatus) {
      record.metrics.updatedAtMs = this.clock.now();
      record.metrics.totalRequests = totals.total();
    } else {
      record.metrics = { updatedAtMs: this.clock.now(), requestsByStatus, totalRequests: totals.total() };
    }
    this.writer?.markDirty(id);
    return true;
  }

  /** True when this instance registered with a certificate bound to it: only such a certificate may speak for it. */
  boundOnly(id: string): boolean {
    return this.records.get(id)?.certBound === true;
  }

  has(id: string): boolean {
    return this.records.has(id);
  }

  get(id: string): GatewayInstance | undefined {
    this.purge();
    const r = this.records.get(id);
    return r ? this.view(r) : undefined;
  }

  /**
   * Every instance, oldest registration first, so paging is stable. The map keeps insertion order, which
   * is registration order (an update replaces a value in place), so no sort is needed per page.
   */
  list(): GatewayInstance[] {
    this.purge();
    return [...this.records.values()].map((r) => this.view(r));
  }

  /** One page of instances, without building a view of the others. */
  page(start: number, size: number): { count: number; list: GatewayInstance[] } {
    this.purge();
    const all = [...this.records.values()];
    return { count: all.length, list: all.slice(start, start + size).map((r) => this.view(r)) };
  }

  delete(id: string): boolean {
    const existed = this.records.delete(id);
    this.totals.delete(id);
    if (existed) this.writer?.markDirty(id);
    return existed;
  }

  /** The stored record itself (for a writer), not a view. */
  record(id: string): InstanceRecord | undefined {
    return this.records.get(id);
  }

  /**
   * Folds in another replica's record of the same instance (`--cluster`): one registration time (the
   * earliest), the latest sighting and what it reported, counters that only grow. Returns the merged
   * record, which differs from `remote` when this replica knows something newer.
   */
  absorb(remote: InstanceRecord): InstanceRecord {
    const local = this.records.get(remote.id);
    if (!local) {
      this.records.set(remote.id, remote);
      return remote;
    }
    const newer = remote.lastSeenMs > local.lastSeenMs ? remote : local;
    const metrics = (remote.metrics?.updatedAtMs ?? -1) > (local.metrics?.updatedAtMs ?? -1) ? remote.metrics : local.metrics;
    const merged: InstanceRecord = {
      ...newer,
      registeredAtMs: Math.min(local.registeredAtMs, remote.registeredAtMs),
      apiCalls: Math.max(local.apiCalls, remote.apiCalls),
      certBound: local.certBound || remote.certBound,
      metrics,
    };
    this.records.set(remote.id, merged);
    return merged;
  }

  /** Drops an instance another replica deleted; nothing to write back. */
  forget(id: string): void {
    this.records.delete(id);
    this.totals.delete(id);
  }

  /** Forgets instances not seen for longer than the purge threshold. */
  purge(): number {
    const now = this.clock.now();
    let removed = 0;
    for (const [id, r] of this.records) {
      if (now - r.lastSeenMs > this.thresholds.purgeAfterMs) {
        this.records.delete(id);
        this.totals.delete(id);
        this.writer?.markDirty(id);
        removed++;
      }
    }
    return removed;
  }

  private view(r: InstanceRecord): GatewayInstance {
    const now = this.clock.now();
    const watchOpen = this.watches.count(r.id) > 0;
    return {
      id: r.id,
      hostname: r.hostname,
      ip: r.ip,
      domain: r.domain,
      api_calls: r.apiCalls,
      version: r.version,
      etcd_reachable: r.etcdReachable,
      config_version: r.configVersion,
      last_seen_time: new Date(r.lastSeenMs).toISOString(),
      register_time: new Date(r.registeredAtMs).toISOString(),
      // Not yet judged (null) is no failure: the instance must not pass through Only Heartbeats on a guess.
      status: instanceStatus(now - r.lastSeenMs, r.etcdReachable !== false || watchOpen, this.thresholds),
      cert_not_after: new Date(r.certNotAfterMs).toISOString(),
      applied_revision: r.appliedRevision,
      agent_version: r.agentVersion,
      run_id: r.runId,
      ports: r.ports,
      config_watch_open: watchOpen,
      metrics: r.metrics
        ? {
            updated_at: new Date(r.metrics.updatedAtMs).toISOString(),
            // A copy: the record's own object goes on changing with each metrics post.
            requests_by_status: { ...r.metrics.requestsByStatus },
            total_requests: r.metrics.totalRequests,
          }
        : null,
    };
  }
}

/** What the control plane knows of an instance before its first beat is written in. */
function blankRecord(id: string, now: number): InstanceRecord {
  return {
    id,
    hostname: '',
    ip: '',
    domain: '',
    version: '',
    agentVersion: '',
    runId: '',
    ports: [],
    apiCalls: 0,
    etcdReachable: null,
    configVersion: 0,
    appliedRevision: 0,
    registeredAtMs: now,
    lastSeenMs: now,
    certSerial: '',
    certNotAfterMs: 0,
    certBound: false,
    metrics: null,
  };
}
