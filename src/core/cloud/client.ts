import { z } from 'zod';
import { unwrapEnvelope } from './envelope.ts';
import { CloudApiError } from './errors.ts';
import { Cluster, GatewayCertificate, GatewayInstance, listOf, Organization, Route, StartupTemplate, User } from './types.ts';

export interface CloudClientOptions {
  /** The control plane's base URL, without /api/v1 (e.g. http://127.0.0.1:7080 or https://api.api7.cloud). */
  baseUrl: string;
  token: string;
  timeoutMs?: number;
  /** Page size used when walking lists; the server's default is 10. */
  pageSize?: number;
}

/** The management API as the app sees it; API7 Cloud and the local control plane both answer it. */
export interface ControlPlaneClient {
  me(): Promise<User>;
  organization(orgId: string): Promise<Organization>;
  clusters(orgId: string): Promise<Cluster[]>;
  cluster(clusterId: string): Promise<Cluster>;
  gatewayCertificate(clusterId: string, instanceId?: string): Promise<GatewayCertificate>;
  startupTemplate(clusterId: string): Promise<string>;
  instances(clusterId: string): Promise<GatewayInstance[]>;
  instance(clusterId: string, instanceId: string): Promise<GatewayInstance>;
  deleteInstance(clusterId: string, instanceId: string): Promise<void>;
  /** Gateway Tray's control plane only (API7 Cloud has no such call): the serial is refused from now on. */
  revokeGatewayCertificate?(clusterId: string, serialHex: string): Promise<void>;
  routes(clusterId: string): Promise<Route[]>;
  route(clusterId: string, routeId: string): Promise<Route>;
  putRoute(clusterId: string, routeId: string, route: Record<string, unknown>): Promise<Route>;
  deleteRoute(clusterId: string, routeId: string): Promise<void>;
}

/** A safety stop for a server that never sends the empty page clients wait for. */
const MAX_PAGES = 10_000;

const seg = (s: string) => encodeURIComponent(s);

export class CloudClient implements ControlPlaneClient {
  private readonly base: string;

  constructor(private readonly opts: CloudClientOptions) {
    this.base = `${opts.baseUrl.replace(/\/+$/, '')}/api/v1`;
  }

  /** One call: sends the bearer token, unwraps the envelope, checks the payload. */
  async call<T>(method: string, path: string, payload: z.ZodType<T>, body?: unknown): Promise<T> {
    const what = `${method} ${path}`;
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.opts.token}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.opts.timeoutMs ?? 15_000),
      });
    } catch (err) {
      const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : err instanceof Error ? err.message : String(err);
      throw new CloudApiError('network', `${what}: the control plane at ${this.opts.baseUrl} does not answer (${cause}); is it running?`);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw new CloudApiError('network', `${what}: the connection broke while reading the answer (${err instanceof Error ? err.message : String(err)})`, res.status);
    }
    return unwrapEnvelope(what, res.status, text, payload);
  }

  /** One page of a list. */
  page<T>(path: string, item: z.ZodType<T>, page: number, pageSize = this.opts.pageSize ?? 10): Promise<{ count: number; list: T[] }> {
    const sep = path.includes('?') ? '&' : '?';
    return this.call('GET', `${path}${sep}page=${page}&page_size=${pageSize}`, listOf(item));
  }

  /** Every item of a list: pages from 1 until an empty page, as PROTOCOL §1 says clients stop. */
  async all<T>(path: string, item: z.ZodType<T>): Promise<T[]> {
    const items: T[] = [];
    for (let page = 1; page <= MAX_PAGES; page++) {
      const { list } = await this.page(path, item, page);
      if (list.length === 0) return items;
      items.push(...list);
    }
    throw new CloudApiError('protocol', `GET ${path}: still not at the end after ${MAX_PAGES} pages`);
  }

  me() {
    return this.call('GET', '/user/me', User);
  }
  organization(orgId: string) {
    return this.call('GET', `/orgs/${seg(orgId)}`, Organization);
  }
  clusters(orgId: string) {
    return this.all(`/orgs/${seg(orgId)}/clusters`, Cluster);
  }
  cluster(clusterId: string) {
    return this.call('GET', `/clusters/${seg(clusterId)}`, Cluster);
  }
  gatewayCertificate(clusterId: string, instanceId?: string) {
    const q = instanceId === undefined ? '' : `?instance_id=${encodeURIComponent(instanceId)}`;
    return this.call('GET', `/clusters/${seg(clusterId)}/gateway_certificate${q}`, GatewayCertificate);
  }
  async startupTemplate(clusterId: string) {
    return (await this.call('GET', `/clusters/${seg(clusterId)}/startup_config_tpl/apisix`, StartupTemplate)).configuration;
  }
  instances(clusterId: string) {
    return this.all(`/clusters/${seg(clusterId)}/instances`, GatewayInstance);
  }
  instance(clusterId: string, instanceId: string) {
    return this.call('GET', `/clusters/${seg(clusterId)}/instances/${seg(instanceId)}`, GatewayInstance);
  }
  async deleteInstance(clusterId: string, instanceId: string) {
    await this.call('DELETE', `/clusters/${seg(clusterId)}/instances/${seg(instanceId)}`, z.unknown());
  }
  async revokeGatewayCertificate(clusterId: string, serialHex: string) {
    await this.call('DELETE', `/clusters/${seg(clusterId)}/gateway_certificate/${seg(serialHex)}`, z.unknown());
  }
  routes(clusterId: string) {
    return this.all(`/clusters/${seg(clusterId)}/routes`, Route);
  }
  route(clusterId: string, routeId: string) {
    return this.call('GET', `/clusters/${seg(clusterId)}/routes/${seg(routeId)}`, Route);
  }
  putRoute(clusterId: string, routeId: string, route: Record<string, unknown>) {
    return this.call('PUT', `/clusters/${seg(clusterId)}/routes/${seg(routeId)}`, Route, route);
  }
  async deleteRoute(clusterId: string, routeId: string) {
    await this.call('DELETE', `/clusters/${seg(clusterId)}/routes/${seg(routeId)}`, z.unknown());
  }
}
