import type { ControlPlaneContext } from '../../context.ts';
import { notFound } from '../envelope.ts';
import { paginate } from '../paging.ts';
import type { Router } from '../router.ts';

/** API7's cluster status 3: normal. */
const CLUSTER_NORMAL = 3;

export function requireCluster(cp: ControlPlaneContext, id: string | undefined): void {
  if (id !== cp.identity.clusterId) throw notFound(`cluster ${id ?? ''} does not exist; the only cluster here is ${cp.identity.clusterId}`);
}

async function cluster(cp: ControlPlaneContext) {
  let configVersion = 0;
  try {
    configVersion = await cp.etcd.revision();
  } catch {
    // The cluster still exists while etcd is away; its config version is then unknown.
  }
  return {
    id: cp.identity.clusterId,
    name: 'local',
    org_id: cp.identity.orgId,
    status: CLUSTER_NORMAL,
    domain: cp.domain,
    config_version: configVersion,
    created_at: cp.identity.createdAt,
    updated_at: cp.identity.createdAt,
  };
}

/** The single user, organization and cluster of a local control plane. */
export function addAccountRoutes(router: Router, cp: ControlPlaneContext): void {
  router.add('GET', '/user/me', () => ({
    id: cp.identity.userId,
    first_name: 'Local',
    last_name: 'Developer',
    email: 'developer@localhost',
    org_ids: [cp.identity.orgId],
  }));
  router.add('GET', '/orgs/:org', ({ params }) => {
    if (params.org !== cp.identity.orgId) throw notFound(`organization ${params.org ?? ''} does not exist`);
    return { id: cp.identity.orgId, name: 'local', created_at: cp.identity.createdAt, updated_at: cp.identity.createdAt };
  });
  router.add('GET', '/orgs/:org/clusters', async ({ params, query }) => {
    if (params.org !== cp.identity.orgId) throw notFound(`organization ${params.org ?? ''} does not exist`);
    return paginate([await cluster(cp)], query);
  });
  router.add('GET', '/clusters/:cluster', async ({ params }) => {
    requireCluster(cp, params.cluster);
    return cluster(cp);
  });
}
