import type { ControlPlaneContext } from '../context.ts';
import type { Router } from '../management/router.ts';

/**
 * `GET /api/v1/cluster` (ours, `--cluster` only): which replica answered, whether etcd answers (when it
 * does not, this replica serves what it holds), and the size of its caches.
 */
export function addClusterRoutes(router: Router, cp: ControlPlaneContext): void {
  const status = cp.cluster;
  if (!status) return;
  router.add('GET', '/cluster', () => Promise.resolve(status()));
}
