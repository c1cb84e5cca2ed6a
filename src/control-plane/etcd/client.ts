import { z } from 'zod';
import { EtcdEndpoint, type EtcdTls } from './transport.ts';

const b64 = (s: string | Buffer) => (typeof s === 'string' ? Buffer.from(s, 'utf8') : s).toString('base64');
const unb64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');

/** The key just past every key that starts with `prefix`: etcd's way of saying "this whole prefix". */
export function prefixEnd(prefix: string | Buffer): Buffer {
  const bytes = Buffer.from(prefix);
  for (let i = bytes.length - 1; i >= 0; i--) {
    if ((bytes[i] ?? 0) < 0xff) {
      bytes[i] = (bytes[i] ?? 0) + 1;
      return bytes.subarray(0, i + 1);
    }
  }
  return Buffer.from([0]);
}

const Header = z.looseObject({ revision: z.union([z.string(), z.number()]).optional() });
const RangeResponse = z.looseObject({
  header: Header,
  kvs: z.array(z.looseObject({ key: z.string(), value: z.string().optional(), mod_revision: z.union([z.string(), z.number()]).optional() })).optional(),
  count: z.union([z.string(), z.number()]).optional(),
});
const WriteResponse = z.looseObject({ header: Header, deleted: z.union([z.string(), z.number()]).optional() });
const TxnResponse = z.looseObject({ header: Header, succeeded: z.boolean().optional() });
const VersionResponse = z.looseObject({ etcdserver: z.string(), etcdcluster: z.string().optional() });

export interface KeyValue {
  key: string;
  value: string;
  modRevision: number;
}

export class EtcdError extends Error {
  override name = 'EtcdError';
}

/**
 * A small client for etcd's v3 JSON gateway, enough for the management API's routes and the startup
 * checks. The config centre does not use it: it streams raw bytes to and from the same gateway.
 */
export class EtcdClient {
  readonly baseUrl: string;
  private readonly endpoint: EtcdEndpoint;
  private readonly timeoutMs: number;

  /** Several URLs (the members of one etcd cluster, `--cluster`) are tried in order when one does not answer. */
  constructor(baseUrl: string | string[], opts: { tls?: EtcdTls | undefined; timeoutMs?: number } = {}) {
    const urls = (Array.isArray(baseUrl) ? baseUrl : [baseUrl]).map((u) => u.replace(/\/+$/, ''));
    this.baseUrl = urls.join(',');
    this.endpoint = new EtcdEndpoint(urls.length === 1 ? (urls[0] as string) : urls, opts.tls);
    this.timeoutMs = opts.timeoutMs ?? 5000;
  }

  private async call<T>(method: 'GET' | 'POST', path: string, schema: z.ZodType<T>, body?: unknown): Promise<T> {
    let res: { status: number; text: string };
    try {
      res = await this.endpoint.call(method, path, body === undefined ? undefined : JSON.stringify(body), this.timeoutMs);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new EtcdError(`etcd at ${this.baseUrl} does not answer (${why}); start etcd or pass its URL with --etcd`);
    }
    const { text } = res;
    if (res.status < 200 || res.status >= 300) throw new EtcdError(`etcd at ${this.baseUrl} answered ${path} with HTTP ${res.status}: ${text.slice(0, 200)}`);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new EtcdError(`etcd at ${this.baseUrl} sent a non-JSON answer to ${path}; is this URL really etcd?`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new EtcdError(`etcd at ${this.baseUrl} sent an unexpected answer to ${path}`);
    return parsed.data;
  }

  /** Closes kept-alive connections (at stop). */
  close(): void {
    this.endpoint.close();
  }

  async version(): Promise<{ server: string; cluster: string }> {
    const v = await this.call('GET', '/version', VersionResponse);
    return { server: v.etcdserver, cluster: v.etcdcluster ?? v.etcdserver };
  }

  async get(key: string): Promise<KeyValue | undefined> {
    const res = await this.call('POST', '/v3/kv/range', RangeResponse, { key: b64(key) });
    const kv = res.kvs?.[0];
    return kv ? toKeyValue(kv) : undefined;
  }

  /** Every key under a prefix, in key order. */
  async list(prefix: string): Promise<{ kvs: KeyValue[]; revision: number }> {
    const res = await this.call('POST', '/v3/kv/range', RangeResponse, { key: b64(prefix), range_end: b64(prefixEnd(prefix)) });
    return { kvs: (res.kvs ?? []).map(toKeyValue), revision: Number(res.header.revision ?? 0) };
  }

  async revision(): Promise<number> {
    const res = await this.call('POST', '/v3/kv/range', RangeResponse, { key: b64('\0'), count_only: true });
    return Number(res.header.revision ?? 0);
  }

  async put(key: string, value: string): Promise<number> {
    const res = await this.call('POST', '/v3/kv/put', WriteResponse, { key: b64(key), value: b64(value) });
    return Number(res.header.revision ?? 0);
  }

  /**
   * Puts a key only when it does not exist, in one transaction (so two control planes starting on one etcd
   * cannot overwrite each other). Returns whether this call created it.
   */
  async putIfAbsent(key: string, value: string): Promise<boolean> {
    const res = await this.call('POST', '/v3/kv/txn', TxnResponse, {
      compare: [{ key: b64(key), target: 'CREATE', result: 'EQUAL', create_revision: '0' }],
      success: [{ request_put: { key: b64(key), value: b64(value) } }],
    });
    // proto3 JSON leaves out a false `succeeded`.
    return res.succeeded === true;
  }

  /** Deletes one key; returns whether it existed. */
  async delete(key: string): Promise<boolean> {
    const res = await this.call('POST', '/v3/kv/deleterange', WriteResponse, { key: b64(key) });
    return Number(res.deleted ?? 0) > 0;
  }
}

function toKeyValue(kv: { key: string; value?: string | undefined; mod_revision?: string | number | undefined }): KeyValue {
  return { key: unb64(kv.key), value: kv.value ? unb64(kv.value) : '', modRevision: Number(kv.mod_revision ?? 0) };
}
