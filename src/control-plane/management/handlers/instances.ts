import type { ControlPlaneContext } from '../../context.ts';
import { notFound } from '../envelope.ts';
import { pageWindow } from '../paging.ts';
import type { Router } from '../router.ts';
import { requireCluster } from './account.ts';

export function addInstanceRoutes(router: Router, cp: ControlPlaneContext): void {
  router.add('GET', '/clusters/:cluster/instances', ({ params, query }) => {
    requireCluster(cp, params.cluster);
    // cloud-cli's SDK asks with neither and expects every instance (PROTOCOL §6); with either, PROTOCOL §1 paging.
    if (!query.has('page') && !query.has('page_size')) return cp.registry.page(0, Number.MAX_SAFE_INTEGER);
    const { start, size } = pageWindow(query);
    return cp.registry.page(start, size);
  });
  router.add('GET', '/clusters/:cluster/instances/:id', ({ params }) => {
    requireCluster(cp, params.cluster);
    const instance = cp.registry.get(params.id ?? '');
    if (!instance) throw notFound(`instance ${params.id ?? ''} is not registered (or was purged)`);
    return instance;
  });
  router.add('DELETE', '/clusters/:cluster/instances/:id', ({ params }) => {
    requireCluster(cp, params.cluster);
    if (!cp.registry.delete(params.id ?? '')) throw notFound(`instance ${params.id ?? ''} is not registered`);
    return { id: params.id };
  });
}
