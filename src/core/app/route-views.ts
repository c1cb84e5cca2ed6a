import { randomBytes } from 'node:crypto';
import type { RouteApplied, RouteInput, RouteView } from '../../contract/ipc-contract.ts';
import type { Route } from '../cloud/types.ts';
import type { GatewayInstance } from '../cloud/types.ts';

/** `http://host:port`, `host:port` or `host` → APISIX upstream nodes, in the object form. */
export function upstreamOf(input: string): { type: 'roundrobin'; scheme: 'http' | 'https'; nodes: Record<string, number> } {
  const withScheme = /^https?:\/\//.test(input) ? input : `http://${input}`;
  const url = new URL(withScheme);
  const scheme = url.protocol === 'https:' ? 'https' : 'http';
  const port = url.port || (scheme === 'https' ? '443' : '80');
  return { type: 'roundrobin', scheme, nodes: { [`${url.hostname}:${port}`]: 1 } };
}

/** The route body the management API stores: one path (a trailing `*` matches a prefix) to one upstream. */
export function routeBodyOf(input: RouteInput): Record<string, unknown> {
  return { uri: input.path, upstream: upstreamOf(input.upstream), ...(input.name ? { name: input.name } : {}), status: 1 };
}

/** A readable, unique id: the path's words plus a short random tail ("hello-3fa2c1"). */
export function newRouteId(path: string): string {
  const words = path.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);
  return `${words || 'root'}-${randomBytes(3).toString('hex')}`;
}

function upstreamText(route: Route): string {
  const up = route.upstream as { scheme?: string; nodes?: unknown } | undefined;
  const nodes = up?.nodes;
  let first: string | undefined;
  if (Array.isArray(nodes)) {
    const n = nodes[0] as { host?: string; port?: number } | undefined;
    first = n ? `${n.host}:${n.port}` : undefined;
  } else if (nodes && typeof nodes === 'object') first = Object.keys(nodes)[0];
  return first ? `${up?.scheme ?? 'http'}://${first}` : '';
}

/**
 * Whether the gateway has applied each change. When a route carries its config revision (`mod_revision`,
 * as the local control plane gives it, or `revision`), it is applied once the gateway's applied revision
 * reaches it. For a control plane that names none, and for removals (a removed route has no revision to
 * read), a change made here records the gateway's applied revision just before it and counts as applied
 * once the gateway reports a higher one; routes that were there before this app saw them count as applied
 * once the gateway has synced anything at all.
 */
export class AppliedTracker {
  #pending = new Map<string, { before: number; removed: boolean }>();

  changed(id: string, before: number, removed: boolean): void {
    this.#pending.set(id, { before, removed });
  }

  /** Drops what the gateway has caught up with; returns ids still waiting to be removed. */
  settle(instance: GatewayInstance | undefined): void {
    if (!instance) return;
    for (const [id, p] of this.#pending) if ((instance.applied_revision ?? 0) > p.before) this.#pending.delete(id);
  }

  view(route: Route, instance: GatewayInstance | undefined): RouteView {
    const path = route.uri ?? route.uris?.[0] ?? '';
    const name = typeof route.name === 'string' ? route.name : undefined;
    return { id: route.id, path, upstream: upstreamText(route), ...(name ? { name } : {}), applied: this.#state(route, instance) };
  }

  /** Routes removed on the control plane that a running gateway may still serve. */
  removing(known: Map<string, RouteView>, instance: GatewayInstance | undefined): RouteView[] {
    const out: RouteView[] = [];
    if (!instance) return out;
    for (const [id, p] of this.#pending) {
      const last = known.get(id);
      if (p.removed && last) out.push({ ...last, applied: 'pending', removing: true });
    }
    return out;
  }

  #state(route: Route, instance: GatewayInstance | undefined): RouteApplied {
    if (!instance) return 'unknown';
    // A control plane that names the route's config revision gives the exact answer.
    const revision = typeof route.revision === 'number' ? route.revision : typeof route.mod_revision === 'number' ? route.mod_revision : undefined;
    if (revision !== undefined) return (instance.applied_revision ?? 0) >= revision ? 'applied' : 'pending';
    if (this.#pending.has(route.id)) return 'pending';
    return (instance.applied_revision ?? 0) > 0 ? 'applied' : 'pending';
  }
}
