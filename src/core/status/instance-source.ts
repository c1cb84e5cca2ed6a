import type { ControlPlaneClient } from '../cloud/client.ts';
import { CloudApiError } from '../cloud/errors.ts';
import type { GatewayInstance } from '../cloud/types.ts';
import { reasonOf } from '../reasons/reason-of.ts';
import type { ControlPlaneProblem, InstanceFacts, InstanceStatus } from './status-inputs.ts';

const STATUSES: readonly InstanceStatus[] = ['Healthy', 'Only Heartbeats', 'Lost Connection', 'Offline'];

export function instanceFactsOf(instance: GatewayInstance): InstanceFacts {
  const status = (STATUSES as readonly string[]).includes(instance.status) ? (instance.status as InstanceStatus) : 'Lost Connection';
  return { status, registerTime: instance.register_time, lastSeenTime: instance.last_seen_time };
}

/** Why the control plane gave no usable answer: a refused token is not a dead server, nor a slow one. */
export function controlPlaneProblemOf(err: unknown): ControlPlaneProblem {
  const detail = err instanceof Error ? err.message : String(err);
  const reason = reasonOf(err);
  if (reason === 'token-refused' || reason === 'token-missing' || reason === 'control-plane-down') return { reason, detail };
  return { reason: 'control-plane-unreachable', detail };
}

/**
 * The control plane's record of the instance, judged on the control plane's clock (PROTOCOL §3).
 * null: no record; 'unreachable': no usable answer, and `problem` says why. The cluster is looked up
 * once and cached.
 */
export class InstancePoller {
  #clusterId: string | undefined;

  constructor(
    private readonly client: ControlPlaneClient | undefined,
    clusterId?: string,
    /** Why there is no client (no token stored, no control plane running); asked of the session. */
    private readonly missing: ControlPlaneProblem = { reason: 'control-plane-down', detail: 'no control plane is configured for this profile' },
  ) {
    this.#clusterId = clusterId;
  }

  /** The facts the status is built from, and the whole record when there is one (the dashboard draws it). */
  async poll(instanceId: string): Promise<{ facts: InstanceFacts | null | 'unreachable'; record?: GatewayInstance; problem?: ControlPlaneProblem }> {
    if (!this.client) return { facts: 'unreachable', problem: this.missing };
    try {
      const clusterId = await this.#cluster();
      const record = await this.client.instance(clusterId, instanceId);
      return { facts: instanceFactsOf(record), record };
    } catch (err) {
      if (err instanceof CloudApiError && err.kind === 'not-found') return { facts: null };
      return { facts: 'unreachable', problem: controlPlaneProblemOf(err) };
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
