import { z } from 'zod';
import type { ControlPlaneContext } from '../context.ts';
import { INSTANCE_ID } from '../management/handlers/certificates.ts';
import { describeIssue } from '../management/route-schema.ts';

const text = (max: number) => z.string().max(max);
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** PROTOCOL §2.1. Unknown fields are allowed (API7's module sends more); known ones must have their type. */
export const HeartbeatBody = z.looseObject({
  id: z.string().regex(INSTANCE_ID),
  hostname: text(255).optional(),
  ip: text(64).optional(),
  domain: text(255).optional(),
  version: text(64).optional(),
  api_calls: count.optional(),
  etcd_reachable: z.boolean().optional(),
  config_version: z.union([count, z.string().regex(/^\d{1,15}$/).transform(Number)]).optional(),
  ports: z.array(z.union([text(16), z.number().int().min(0).max(65535).transform(String)])).max(64).optional(),
  applied_revision: count.optional(),
  agent_version: text(64).optional(),
});

export const MAX_METRICS_SIZE = 1024 * 1024;

type Heartbeat = z.output<typeof HeartbeatBody>;
const TEXT_MAX: Readonly<Record<string, number>> = { hostname: 255, ip: 64, domain: 255, version: 64, agent_version: 64 };
const COUNTS = ['api_calls', 'applied_revision', 'config_version'] as const;

/**
 * The heartbeat every agent sends, checked by hand: the profile of 10,000 kept-alive gateways put zod's
 * parse (and the copy it makes) among the heaviest steps of a beat. Only a body HeartbeatBody accepts
 * unchanged passes here, so the outcome is the same; anything else (a string config_version, numeric
 * ports, any wrong field) is left to zod, which also words the error.
 */
export function plainHeartbeat(raw: unknown): Heartbeat | undefined {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
  const hb = raw as Record<string, unknown>;
  if (typeof hb.id !== 'string' || !INSTANCE_ID.test(hb.id)) return undefined;
  for (const key in TEXT_MAX) {
    const v = hb[key];
    if (v !== undefined && (typeof v !== 'string' || v.length > (TEXT_MAX[key] as number))) return undefined;
  }
  for (const key of COUNTS) {
    const v = hb[key];
    if (v !== undefined && (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)) return undefined;
  }
  if (hb.etcd_reachable !== undefined && typeof hb.etcd_reachable !== 'boolean') return undefined;
  const ports = hb.ports;
  if (ports !== undefined) {
    if (!Array.isArray(ports) || ports.length > 64) return undefined;
    for (const p of ports) if (typeof p !== 'string' || p.length > 16) return undefined;
  }
  return hb as Heartbeat;
}

/** No `files` key and no code, ever: the agent never executes what the control plane sends (PROTOCOL §2.1). */
export const HEARTBEAT_PAYLOAD = { max_metrics_size: MAX_METRICS_SIZE, config: { version: 0, payload: {} } } as const;

export type HeartbeatOutcome =
  | { ok: true }
  | { ok: false; reason: string };

/** Validates a heartbeat and records it (the answer is HEARTBEAT_PAYLOAD); the caller has already checked the certificate and signature. */
export function acceptHeartbeat(
  cp: ControlPlaneContext,
  raw: unknown,
  headerInstanceId: string | undefined,
  runId: string | undefined,
  peer: { serial: string; notAfterMs: number; boundInstanceId: string | undefined },
): HeartbeatOutcome {
  let hb = plainHeartbeat(raw);
  if (hb === undefined) {
    const parsed = HeartbeatBody.safeParse(raw);
    if (!parsed.success) return { ok: false, reason: `invalid heartbeat: ${describeIssue(parsed.error)}` };
    hb = parsed.data;
  }
  if (headerInstanceId !== undefined && headerInstanceId !== hb.id) {
    return { ok: false, reason: `the body's id ${hb.id} differs from X-APISEVEN-Instance-Id ${headerInstanceId}` };
  }
  const { registered } = cp.registry.heartbeat({
    id: hb.id,
    hostname: hb.hostname,
    ip: hb.ip,
    domain: hb.domain,
    version: hb.version,
    agentVersion: hb.agent_version,
    runId,
    ports: hb.ports,
    apiCalls: hb.api_calls ?? 0,
    etcdReachable: hb.etcd_reachable,
    configVersion: hb.config_version,
    appliedRevision: hb.applied_revision,
    certSerial: peer.serial,
    certNotAfterMs: peer.notAfterMs,
    certBound: peer.boundInstanceId === hb.id,
  });
  if (registered) cp.log(`instance ${hb.id} registered (${hb.hostname ?? 'unknown host'}, ${hb.version ?? 'unknown version'})`);
  return { ok: true };
}

export const MetricsBody = z.looseObject({
  id: z.string().regex(INSTANCE_ID),
  domain: text(255).optional(),
  metrics: z.string().max(MAX_METRICS_SIZE),
});
