import type { ControlPlaneContext } from '../../context.ts';
import type { KeyValue } from '../../etcd/client.ts';
import { newDecimalId } from '../../ids.ts';
import { isDirectoryMarker } from '../../seed/directory-markers.ts';
import { badRequest, notFound } from '../envelope.ts';
import { paginate } from '../paging.ts';
import { describeIssue, ROUTE_ID, RouteBody } from '../route-schema.ts';
import type { RequestContext, Router } from '../router.ts';
import { requireCluster } from './account.ts';

function routeKey(cp: ControlPlaneContext, id: string): string {
  return `${cp.prefix}/routes/${id}`;
}

function parseStored(value: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(value);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A route as stored, plus the config-centre revision that last changed it (ours): a gateway whose
 * applied_revision has reached it serves this version, so the app can tell exactly when a change arrived.
 */
function withRevision(kv: KeyValue): Record<string, unknown> | undefined {
  const route = parseStored(kv.value);
  return route && { ...route, mod_revision: kv.modRevision };
}

function routeId(params: Record<string, string>): string {
  const id = params.route ?? '';
  if (!ROUTE_ID.test(id)) throw badRequest('a route id is 1-64 letters, digits, "_" or "-"');
  return id;
}

/**
 * Routes live in etcd under <prefix>/routes/<id> as APISIX stores them, so a gateway watching the config
 * centre receives a route the moment it is put here.
 */
export function addRouteRoutes(router: Router, cp: ControlPlaneContext): void {
  const save = async (ctx: RequestContext, id: string, mustExist: boolean) => {
    const parsed = RouteBody.safeParse(await ctx.json());
    if (!parsed.success) throw badRequest(`invalid route: ${describeIssue(parsed.error)}`);
    if (parsed.data.id !== undefined && parsed.data.id !== id) throw badRequest(`the body's id ${parsed.data.id} differs from the path's ${id}`);
    const key = routeKey(cp, id);
    const existing = await cp.etcd.get(key);
    if (mustExist && existing) throw badRequest(`route ${id} already exists`);
    const now = Math.floor(cp.clock.now() / 1000);
    const created = (existing && parseStored(existing.value)?.create_time) ?? now;
    const route = { ...parsed.data, id, create_time: created, update_time: now };
    const revision = await cp.etcd.put(key, JSON.stringify(route));
    return { ...route, mod_revision: revision };
  };

  router.add('GET', '/clusters/:cluster/routes', async ({ params, query }) => {
    requireCluster(cp, params.cluster);
    const dir = `${cp.prefix}/routes/`;
    const { kvs } = await cp.etcd.list(dir);
    // The directory's marker (PROTOCOL §2.3) is not a route.
    const routes = kvs
      .filter((kv) => !isDirectoryMarker(kv, dir))
      .map(withRevision)
      .filter((r): r is Record<string, unknown> => r !== undefined);
    return paginate(routes, query);
  });
  router.add('GET', '/clusters/:cluster/routes/:route', async ({ params }) => {
    requireCluster(cp, params.cluster);
    const id = routeId(params);
    const kv = await cp.etcd.get(routeKey(cp, id));
    const route = kv ? withRevision(kv) : undefined;
    if (!route) throw notFound(`route ${id} does not exist`);
    return route;
  });
  router.add('PUT', '/clusters/:cluster/routes/:route', async (ctx) => {
    requireCluster(cp, ctx.params.cluster);
    return save(ctx, routeId(ctx.params), false);
  });
  router.add('POST', '/clusters/:cluster/routes', async (ctx) => {
    requireCluster(cp, ctx.params.cluster);
    return save(ctx, newDecimalId(), true);
  });
  router.add('DELETE', '/clusters/:cluster/routes/:route', async ({ params }) => {
    requireCluster(cp, params.cluster);
    const id = routeId(params);
    if (!(await cp.etcd.delete(routeKey(cp, id)))) throw notFound(`route ${id} does not exist`);
    return { id };
  });
}
