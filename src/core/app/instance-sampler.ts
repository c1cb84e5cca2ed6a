import type { ApiCallsPoint, HeartbeatPoint } from '../../contract/ipc-contract.ts';
import type { ControlPlaneClient } from '../cloud/client.ts';
import type { GatewayInstance } from '../cloud/types.ts';

const KEEP = 60;

/**
 * Samples the control plane's record of the instance, to draw what the status snapshot does not hold:
 * the recent heartbeats (each new `last_seen_time`), the API calls counted between them (the growth of
 * `api_calls`), and the gateway's applied config revision. A long-lived loop: it never throws, and
 * stop() releases its timer.
 */
export class InstanceSampler {
  #heartbeats: HeartbeatPoint[] = [];
  #calls: ApiCallsPoint[] = [];
  #latest: GatewayInstance | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(
    private readonly source: { client?: ControlPlaneClient; clusterId: () => Promise<string>; instanceId: () => string | undefined },
    private readonly on: { metrics: () => void; applied: () => void },
    private readonly intervalMs = 2000,
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

  start(): void {
    const tick = async (): Promise<void> => {
      await this.sample();
      if (this.#stopped) return;
      this.#timer = setTimeout(() => void tick(), this.intervalMs);
      this.#timer.unref();
    };
    void tick();
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
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
    if (this.#stopped) return record;
    const prev = this.#latest;
    this.#latest = record;
    if (prev?.last_seen_time !== record.last_seen_time) {
      this.#heartbeats = [...this.#heartbeats, { at: record.last_seen_time, status: record.status }].slice(-KEEP);
      // A re-registration starts the count again, so a drop is a new count, not negative calls.
      const calls = prev && record.api_calls >= prev.api_calls ? record.api_calls - prev.api_calls : prev ? record.api_calls : 0;
      this.#calls = [...this.#calls, { at: record.last_seen_time, calls }].slice(-KEEP);
      this.on.metrics();
    }
    if (prev?.applied_revision !== record.applied_revision) this.on.applied();
    return record;
  }
}
