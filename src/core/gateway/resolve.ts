import type { User } from '../cloud/types.ts';
import { DEFAULT_INSTANCE_NAME, instanceId } from '../credentials/instance-id.ts';
import { GatewayError, messageOf } from './errors.ts';
import type { GatewayContext } from './types.ts';

export interface ResolvedCluster {
  clusterId: string;
  domain: string;
}

export interface ResolvedInstance {
  instanceId: string;
  instanceName: string;
  /** True when this call made the id (it is kept even if the launch fails: it is the gateway's identity). */
  created: boolean;
}

/** The cluster: the profile's, else the first cluster of the user's first organization (PROTOCOL §1). */
export async function resolveCluster(ctx: GatewayContext, me: User): Promise<ResolvedCluster> {
  let clusterId = ctx.profile.clusterId;
  let domain: string;
  try {
    if (clusterId) {
      domain = (await ctx.client.cluster(clusterId)).domain;
    } else {
      const orgId = me.org_ids[0];
      if (!orgId) throw new GatewayError('resolve', 'The control plane lists no organization for this account; create one there, then launch again.');
      const first = (await ctx.client.clusters(orgId))[0];
      if (!first) throw new GatewayError('resolve', `Organization ${orgId} has no cluster; create one in the control plane, then launch again.`);
      clusterId = first.id;
      domain = first.domain;
    }
  } catch (err) {
    if (err instanceof GatewayError) throw err;
    throw new GatewayError('resolve', `Could not find cluster ${clusterId ?? '(default)'} on the control plane: ${messageOf(err)}. Check the profile's cluster id.`, { cause: err });
  }
  return { clusterId, domain };
}

/** The instance id: made once per profile and instance name, and kept outside the container. */
export function resolveInstance(ctx: GatewayContext): ResolvedInstance {
  const name = ctx.instanceName ?? DEFAULT_INSTANCE_NAME;
  try {
    const id = instanceId({ profile: ctx.profile.name, name, home: ctx.home });
    if (id.notice) ctx.log?.(id.notice.message);
    return { instanceId: id.id, instanceName: name, created: id.created };
  } catch (err) {
    throw new GatewayError('resolve', `Could not read or create the instance id: ${messageOf(err)}`, { cause: err });
  }
}
