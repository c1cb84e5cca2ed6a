import { z } from 'zod';

/** IDs are decimal strings, never numbers or null (PROTOCOL §1). */
export const Id = z.string().regex(/^\d{1,20}$/, 'a decimal-string id');

export const User = z.looseObject({
  id: Id,
  first_name: z.string(),
  last_name: z.string(),
  email: z.string(),
  org_ids: z.array(Id),
});
export type User = z.infer<typeof User>;

export const Organization = z.looseObject({ id: Id, name: z.string(), created_at: z.string(), updated_at: z.string() });
export type Organization = z.infer<typeof Organization>;

export const Cluster = z.looseObject({
  id: Id,
  name: z.string(),
  org_id: Id,
  status: z.number().int(),
  domain: z.string(),
  config_version: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type Cluster = z.infer<typeof Cluster>;

export const GatewayCertificate = z.looseObject({
  certificate: z.string().includes('BEGIN CERTIFICATE'),
  private_key: z.string().includes('PRIVATE KEY'),
  ca_certificate: z.string().includes('BEGIN CERTIFICATE'),
});
export type GatewayCertificate = z.infer<typeof GatewayCertificate>;

export const StartupTemplate = z.looseObject({ configuration: z.string().min(1) });

export const GatewayInstance = z.looseObject({
  id: z.string(),
  hostname: z.string(),
  ip: z.string(),
  domain: z.string(),
  api_calls: z.number(),
  version: z.string(),
  /** null while the gateway does not know yet. */
  etcd_reachable: z.boolean().nullable(),
  config_version: z.union([z.number(), z.string()]),
  last_seen_time: z.string(),
  register_time: z.string(),
  status: z.string(),
  cert_not_after: z.string().optional(),
  applied_revision: z.number().optional(),
});
export type GatewayInstance = z.infer<typeof GatewayInstance>;

/** An APISIX route: what the app sets is typed, the rest passes through untouched. */
export const Route = z.looseObject({
  id: z.string(),
  uri: z.string().optional(),
  uris: z.array(z.string()).optional(),
  upstream: z.unknown().optional(),
  plugins: z.record(z.string(), z.unknown()).optional(),
  /** (ours) The config-centre revision that last changed the route; other control planes may omit it. */
  mod_revision: z.number().optional(),
});
export type Route = z.infer<typeof Route>;

export function listOf<T>(item: z.ZodType<T>) {
  return z.object({ count: z.number().int().min(0), list: z.array(item) });
}
