import { z } from 'zod';
import { EtcdError, prefixEnd } from '../etcd/client.ts';
import { EtcdEndpoint, type EtcdTls } from '../etcd/transport.ts';

export const b64 = (s: string | Buffer) => (typeof s === 'string' ? Buffer.from(s, 'utf8') : s).toString('base64');
export const unb64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');

const Num = z.union([z.string(), z.number()]).transform(Number);
const Kv = z.looseObject({ key: z.string(), value: z.string().optional(), mod_revision: Num.optional(), create_revision: Num.optional() });
const RangeAnswer = z.looseObject({ header: z.looseObject({ revision: Num.optional() }), kvs: z.array(Kv).optional() });
const TxnAnswer = z.looseObject({ header: z.looseObject({ revision: Num.optional() }), succeeded: z.boolean().optional() });

export interface ClusterKeyValue {
  key: string;
  value: string;
  modRevision: number;
}

export type TxnOp = { put: { key: string; value: string; lease?: string } } | { delete: { key: string } };
export type TxnCompare = { key: string; absent: true } | { key: string; modRevision: number };

/** An EtcdError, so the management API answers with its message (say, a revocation while etcd is away). */
export class ClusterEtcdError extends EtcdError {
  override name = 'ClusterEtcdError';
}

/**
 * The few etcd v3 calls the cluster stores need (range, put, delete, transactions), over the JSON gateway
 * with member failover (EtcdEndpoint). Separate from EtcdClient, which serves APISIX's configuration: these
 * keys live under our own prefix, never under APISIX's.
 */
export class ClusterKv {
  readonly endpoint: EtcdEndpoint;
  /** Write calls and the keys they carried, for the write-rate numbers of the benchmark and status. */
  readonly counters = { writeCalls: 0, keysWritten: 0, bytesWritten: 0 };

  constructor(urls: string[], tls?: EtcdTls, private readonly timeoutMs = 3000) {
    this.endpoint = new EtcdEndpoint(urls.length === 1 ? (urls[0] as string) : urls, tls);
  }

  private async call<T>(path: string, body: unknown, schema: z.ZodType<T>): Promise<T> {
    let res: { status: number; text: string } | undefined;
    // 503 is etcd between leaders (a member just died): a new one is elected within the election timeout.
    for (let attempt = 0; attempt < 4 && (res === undefined || res.status === 503); attempt++) {
      if (res !== undefined) await new Promise((resolve) => setTimeout(resolve, 250));
      try {
        res = await this.endpoint.call('POST', path, JSON.stringify(body), this.timeoutMs);
      } catch (err) {
        throw new ClusterEtcdError(`etcd (${this.endpoint.origins.map((o) => o.host).join(', ')}) does not answer: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (res === undefined) throw new ClusterEtcdError('etcd was not asked');
    if (res.status < 200 || res.status >= 300) throw new ClusterEtcdError(`etcd answered ${path} with HTTP ${res.status}: ${res.text.slice(0, 200)}`);
    let json: unknown;
    try {
      json = JSON.parse(res.text);
    } catch {
      throw new ClusterEtcdError(`etcd sent a non-JSON answer to ${path}`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new ClusterEtcdError(`etcd sent an unexpected answer to ${path}`);
    return parsed.data;
  }

  async get(key: string): Promise<ClusterKeyValue | undefined> {
    const res = await this.call('/v3/kv/range', { key: b64(key) }, RangeAnswer);
    const kv = res.kvs?.[0];
    return kv ? toKv(kv) : undefined;
  }

  async list(prefix: string): Promise<{ kvs: ClusterKeyValue[]; revision: number }> {
    const res = await this.call('/v3/kv/range', { key: b64(prefix), range_end: b64(prefixEnd(prefix)) }, RangeAnswer);
    return { kvs: (res.kvs ?? []).map(toKv), revision: res.header.revision ?? 0 };
  }

  async put(key: string, value: string): Promise<void> {
    await this.txn([], [{ put: { key, value } }]);
  }

  /** All ops at once, when every compare holds; returns whether they held. */
  async txn(compares: TxnCompare[], ops: TxnOp[]): Promise<boolean> {
    const body = {
      compare: compares.map((c) =>
        'absent' in c
          ? { key: b64(c.key), target: 'CREATE', result: 'EQUAL', create_revision: '0' }
          : { key: b64(c.key), target: 'MOD', result: 'EQUAL', mod_revision: String(c.modRevision) },
      ),
      success: ops.map((op) =>
        'put' in op
          ? { request_put: { key: b64(op.put.key), value: b64(op.put.value), ...(op.put.lease ? { lease: op.put.lease } : {}) } }
          : { request_delete_range: { key: b64(op.delete.key) } },
      ),
    };
    const text = JSON.stringify(body);
    this.counters.writeCalls += 1;
    this.counters.keysWritten += ops.length;
    this.counters.bytesWritten += text.length;
    const res = await this.call('/v3/kv/txn', body, TxnAnswer);
    // proto3 JSON leaves out a false `succeeded`.
    return res.succeeded === true;
  }

  /** A lease of `ttlS` seconds; its id as etcd's JSON gateway writes it (a decimal string). */
  async grantLease(ttlS: number): Promise<string> {
    const res = await this.call('/v3/lease/grant', { TTL: String(ttlS) }, LeaseAnswer);
    if (!res.ID) throw new ClusterEtcdError('etcd granted a lease without an id');
    return String(res.ID);
  }

  /** Renews a lease; false when it has expired (its keys are gone). */
  async keepAlive(id: string): Promise<boolean> {
    const res = await this.call('/v3/lease/keepalive', { ID: id }, KeepAliveAnswer);
    return Number(res.result?.TTL ?? 0) > 0;
  }

  close(): void {
    this.endpoint.close();
  }
}

const LeaseAnswer = z.looseObject({ ID: z.union([z.string(), z.number()]).optional() });
const KeepAliveAnswer = z.looseObject({ result: z.looseObject({ TTL: z.union([z.string(), z.number()]).optional() }).optional() });

function toKv(kv: z.infer<typeof Kv>): ClusterKeyValue {
  return { key: unb64(kv.key), value: kv.value ? unb64(kv.value) : '', modRevision: kv.mod_revision ?? 0 };
}
