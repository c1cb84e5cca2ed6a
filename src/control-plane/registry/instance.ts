import { z } from 'zod';

/** What the control plane remembers of one gateway instance; persisted in instances.json. */
export const InstanceRecord = z.object({
  id: z.string(),
  hostname: z.string(),
  ip: z.string(),
  domain: z.string(),
  version: z.string(),
  agentVersion: z.string(),
  runId: z.string(),
  ports: z.array(z.string()),
  apiCalls: z.number(),
  /** null until the gateway has said. */
  etcdReachable: z.boolean().nullable(),
  configVersion: z.number(),
  appliedRevision: z.number(),
  registeredAtMs: z.number(),
  lastSeenMs: z.number(),
  certSerial: z.string(),
  certNotAfterMs: z.number(),
  /** Registered (or last seen) with a certificate bound to this id; older files say nothing: false. */
  certBound: z.boolean().default(false),
  metrics: z
    .object({
      updatedAtMs: z.number(),
      requestsByStatus: z.record(z.string(), z.number()),
      totalRequests: z.number(),
    })
    .nullable(),
});
export type InstanceRecord = z.infer<typeof InstanceRecord>;

export const InstancesFile = z.object({ version: z.literal(1), instances: z.array(InstanceRecord) });

/** PROTOCOL §3.4, plus our cert_not_after, applied_revision and metrics summary. */
export interface GatewayInstance {
  id: string;
  hostname: string;
  ip: string;
  domain: string;
  api_calls: number;
  version: string;
  /** null while the gateway does not know yet (its first heartbeats after start). */
  etcd_reachable: boolean | null;
  config_version: number;
  last_seen_time: string;
  register_time: string;
  status: string;
  cert_not_after: string;
  applied_revision: number;
  agent_version: string;
  run_id: string;
  ports: string[];
  config_watch_open: boolean;
  metrics: { updated_at: string; requests_by_status: Record<string, number>; total_requests: number } | null;
}
