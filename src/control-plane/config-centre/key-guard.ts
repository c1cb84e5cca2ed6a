import { z } from 'zod';
import { prefixEnd } from '../etcd/client.ts';

const B64 = z.string().max(8192).regex(/^[A-Za-z0-9+/=_-]*$/);
const RangeRequest = z.looseObject({ key: B64, range_end: B64.optional() });
const WatchRequest = z.looseObject({ create_request: z.looseObject({ key: B64, range_end: B64.optional() }) });

/**
 * Gateways may read APISIX's configuration and nothing else in that etcd: a range or watch must stay
 * inside the prefix. Returns a reason when the request reaches outside it.
 */
export function checkKeyRange(kind: 'range' | 'watch', body: unknown, prefix: string): string | undefined {
  let key: string;
  let rangeEnd: string | undefined;
  if (kind === 'range') {
    const r = RangeRequest.safeParse(body);
    if (!r.success) return 'a range request needs a base64 "key"';
    ({ key, range_end: rangeEnd } = r.data);
  } else {
    const w = WatchRequest.safeParse(body);
    if (!w.success) return 'a watch request needs a "create_request" with a base64 "key"';
    ({ key, range_end: rangeEnd } = w.data.create_request);
  }
  const prefixBytes = Buffer.from(prefix, 'utf8');
  const keyBytes = Buffer.from(key, 'base64');
  if (!keyBytes.subarray(0, prefixBytes.length).equals(prefixBytes)) return `only keys under ${prefix} can be read`;
  if (rangeEnd !== undefined && rangeEnd !== '') {
    const end = Buffer.from(rangeEnd, 'base64');
    if (end.equals(Buffer.from([0])) || Buffer.compare(end, prefixEnd(prefixBytes)) > 0) return `only keys under ${prefix} can be read`;
  }
  return undefined;
}
