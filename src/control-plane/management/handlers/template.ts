import type { ControlPlaneContext } from '../../context.ts';
import type { Router } from '../router.ts';
import { requireCluster } from './account.ts';

export function addTemplateRoutes(router: Router, cp: ControlPlaneContext): void {
  router.add('GET', '/clusters/:cluster/startup_config_tpl/apisix', ({ params }) => {
    requireCluster(cp, params.cluster);
    return { configuration: cp.startupTemplate() };
  });
}
