import { z } from 'zod';

const HTTP_METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'CONNECT', 'TRACE', 'PURGE'] as const;

export const ROUTE_ID = /^[A-Za-z0-9_-]{1,64}$/;

const Host = z.string().min(1).max(253).regex(/^[A-Za-z0-9.*_-]+$|^\[?[0-9a-fA-F:.]+\]?$/, 'a host name or IP address');

const UpstreamNode = z.object({
  host: Host,
  port: z.number().int().min(1).max(65535),
  weight: z.number().int().min(0).max(65535).default(1),
});

const Upstream = z.looseObject({
  type: z.enum(['roundrobin', 'chash', 'ewma', 'least_conn']).default('roundrobin'),
  scheme: z.enum(['http', 'https', 'grpc', 'grpcs']).optional(),
  nodes: z.union([
    z.record(z.string().regex(/^[^\s:]+(:\d{1,5})?$|^\[[0-9a-fA-F:.]+\](:\d{1,5})?$/, 'host or host:port'), z.number().int().min(0).max(65535)),
    z.array(UpstreamNode),
  ]),
});

/**
 * An APISIX route as the management API accepts it: the fields this app relies on are checked, the rest
 * of APISIX's route schema passes through for APISIX itself to judge.
 */
export const RouteBody = z
  .looseObject({
    id: z.string().regex(ROUTE_ID).optional(),
    name: z.string().max(256).optional(),
    desc: z.string().max(65536).optional(),
    uri: z.string().startsWith('/').max(4096).optional(),
    uris: z.array(z.string().startsWith('/').max(4096)).min(1).optional(),
    methods: z.array(z.enum(HTTP_METHODS)).optional(),
    host: Host.optional(),
    hosts: z.array(Host).optional(),
    priority: z.number().int().optional(),
    status: z.union([z.literal(0), z.literal(1)]).optional(),
    upstream: Upstream.optional(),
    upstream_id: z.union([z.string().regex(ROUTE_ID), z.number().int()]).optional(),
    service_id: z.union([z.string().regex(ROUTE_ID), z.number().int()]).optional(),
    plugins: z.record(z.string().regex(/^[a-z0-9_-]{1,64}$/), z.record(z.string(), z.unknown())).optional(),
  })
  .refine((r) => r.uri !== undefined || r.uris !== undefined, { message: 'a route needs uri or uris' })
  .refine((r) => r.upstream !== undefined || r.upstream_id !== undefined || r.service_id !== undefined || r.plugins !== undefined, {
    message: 'a route needs an upstream (or upstream_id, service_id or plugins)',
  });
export type RouteBody = z.infer<typeof RouteBody>;

/** The first issue of a zod error, as one line with its path, for the error envelope. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid body';
  const path = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return `${path}${issue.message}`;
}
