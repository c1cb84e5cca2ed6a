import type { RouteInput, RouteView } from '../../contract/ipc-contract.ts';
import type { InstanceSampler } from './instance-sampler.ts';
import type { LiveSession } from './live-session.ts';
import { AppliedTracker, newRouteId, routeBodyOf } from './route-views.ts';

/**
 * Routes through the control plane's management API: configuration flows from there to the gateway
 * through the config centre, and the gateway's applied revision tells when it arrived.
 */
export class RouteActions {
  #tracker = new AppliedTracker();
  #known = new Map<string, RouteView>();

  constructor(private readonly deps: { current: () => Promise<LiveSession>; sampler: () => InstanceSampler | undefined; changed: () => void }) {}

  async #client(): Promise<{ client: NonNullable<LiveSession['client']>; clusterId: string }> {
    const l = await this.deps.current();
    if (!l.client) throw new Error(l.session.controlPlaneProblem ?? 'The control plane is not available; check the profile in Settings.');
    return { client: l.client, clusterId: await l.clusterId() };
  }

  async list(): Promise<RouteView[]> {
    const { client, clusterId } = await this.#client();
    const routes = await client.routes(clusterId);
    const instance = this.deps.sampler()?.latest;
    this.#tracker.settle(instance);
    const views = routes.map((r) => this.#tracker.view(r, instance));
    const removing = this.#tracker.removing(this.#known, instance);
    this.#known = new Map([...views, ...removing].map((v) => [v.id, v]));
    return [...views, ...removing].sort((a, b) => a.path.localeCompare(b.path));
  }

  /** The gateway's applied revision right before a change: the change is applied once it moves past it. */
  async #before(): Promise<number> {
    const s = this.deps.sampler();
    return (await s?.sample())?.applied_revision ?? s?.latest?.applied_revision ?? 0;
  }

  async put(input: RouteInput): Promise<RouteView> {
    const { client, clusterId } = await this.#client();
    const before = await this.#before();
    const id = newRouteId(input.path);
    const route = await client.putRoute(clusterId, id, routeBodyOf(input));
    this.#tracker.changed(id, before, false);
    this.deps.changed();
    const view = this.#tracker.view(route, this.deps.sampler()?.latest);
    this.#known.set(id, view);
    return view;
  }

  async remove(id: string): Promise<{ id: string }> {
    const { client, clusterId } = await this.#client();
    const before = await this.#before();
    await client.deleteRoute(clusterId, id);
    this.#tracker.changed(id, before, true);
    this.deps.changed();
    return { id };
  }
}
