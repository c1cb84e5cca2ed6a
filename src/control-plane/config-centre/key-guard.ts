import { z } from 'zod';
import { prefixEnd } from '../etcd/client.ts';

const B64 = z.string().max(8192).regex(/^[A-Za-z0-9+/=_-]*$/);
const RangeRequest = z.looseObject({ key: B64, range_end: B64.optional(), count_only: z.boolean().optional() });
const WatchRequest = z.looseObject({ create_request: z.looseObject({ key: B64, range_end: B64.optional() }) });

/** `/apisix` → `/apisix/`: the folder gateways may read. Without the slash `/apisix_private/…` would match too. */
export function prefixDir(prefix: string): Buffer {
  return Buffer.from(prefix.endsWith('/') ? prefix : `${prefix}/`, 'utf8');
}

/** True when a key (raw bytes) lies inside the prefix's folder. */
export function insidePrefix(key: Buffer, dir: Buffer): boolean {
  return key.length >= dir.length && key.subarray(0, dir.length).equals(dir);
}

/**
 * Gateways may read APISIX's configuration and nothing else in that etcd: a range or watch must stay inside
 * `<prefix>/`. One wider form passes, because APISIX asks for it at start (config_etcd.lua `init` reads the
 * whole prefix: key `/apisix`, range_end `/apisiy`): the proxy then drops every key outside `<prefix>/` from
 * the answer (config-centre/response-filter.ts), and a count of that form is refused since it can't be
 * filtered. Returns a reason when the request reaches outside.
 */
export function checkKeyRange(kind: 'range' | 'watch', body: unknown, prefix: string): string | undefined {
  let key: string;
  let rangeEnd: string | undefined;
  let countOnly = false;
  if (kind === 'range') {
    const r = RangeRequest.safeParse(body);
    if (!r.success) return 'a range request needs a base64 "key"';
    ({ key, range_end: rangeEnd } = r.data);
    countOnly = r.data.count_only === true;
  } else {
    const w = WatchRequest.safeParse(body);
    if (!w.success) return 'a watch request needs a "create_request" with a base64 "key"';
    ({ key, range_end: rangeEnd } = w.data.create_request);
  }
  const dir = prefixDir(prefix);
  const bare = dir.subarray(0, dir.length - 1);
  const keyBytes = Buffer.from(key, 'base64');
  const refused = `only keys under ${dir.toString('utf8')} can be read`;
  const end = rangeEnd === undefined || rangeEnd === '' ? undefined : Buffer.from(rangeEnd, 'base64');
  if (end !== undefined && end.equals(Buffer.from([0]))) return refused;
  if (insidePrefix(keyBytes, dir)) {
    if (end !== undefined && Buffer.compare(end, prefixEnd(dir)) > 0) return refused;
    return undefined;
  }
  if (keyBytes.equals(bare)) {
    if (end !== undefined && Buffer.compare(end, prefixEnd(bare)) > 0) return refused;
    if (countOnly) return `a count must name a range inside ${dir.toString('utf8')}`;
    return undefined;
  }
  return refused;
}
