import type { ControlPlaneClient } from '../cloud/client.ts';
import { CloudApiError } from '../cloud/errors.ts';
import type { GatewayInstance } from '../cloud/types.ts';
import type { InstanceFacts, InstanceStatus } from './status-inputs.ts';

const STATUSES: readonly InstanceStatus[] = ['Healthy', 'Only Heartbeats', 'Lost Connection', 'Offline'];

export function instanceFactsOf(instance: GatewayInstance): InstanceFacts {
  const status = (STATUSES as readonly string[]).includes(instance.status) ? (instance.status as InstanceStatus) : 'Lost Connection';
  return { status, registerTime: instance.register_time, lastSeenTime: instance.last_seen_time };
}

/**
 * The control plane's record of the instance, judged on the control plane's clock (PROTOCOL §3).
 * null: no record; 'unreachable': no usable answer. The cluster is looked up once and cached.
 */
export class InstancePoller {
  #clusterId: string | undefined;

  constructor(
    private readonly client: ControlPlaneClient | undefined,
    clusterId?: string,
  ) {
    this.#clusterId = clusterId;
  }

  /** The facts the status is built from, and the whole record when there is one (the dashboard draws it). */
  async poll(instanceId: string): Promise<{ facts: InstanceFacts | null | 'unreachable'; record?: GatewayInstance }> {
    if (!this.client) return { facts: 'unreachable' };
    try {
      const clusterId = await this.#cluster();
      const record = await this.client.instance(clusterId, instanceId);
      return { facts: instanceFactsOf(record), record };
    } catch (err) {
      if (err instanceof CloudApiError && err.kind === 'not-found') return { facts: null };
      return { facts: 'unreachable' };
    }
  }

  async #cluster(): Promise<string> {
    if (this.#clusterId) return this.#clusterId;
    const me = await this.client!.me();
    const orgId = me.org_ids[0];
    const first = orgId ? (await this.client!.clusters(orgId))[0] : undefined;
    if (!first) throw new Error('the control plane has no cluster');
    this.#clusterId = first.id;
    return first.id;
  }
}
