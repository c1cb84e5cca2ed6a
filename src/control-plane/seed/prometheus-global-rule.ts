import type { EtcdClient } from '../etcd/client.ts';
import { isDirectoryMarker } from './directory-markers.ts';

/** A stable id, so every start finds the rule an earlier start wrote. */
export const PROMETHEUS_RULE_ID = 'gateway-tray-prometheus';

export type PrometheusRuleOutcome =
  | { kind: 'created' }
  | { kind: 'present' }
  | { kind: 'covered'; by: string };

function enablesPrometheus(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const plugin = (value as { plugins?: Record<string, unknown> }).plugins?.prometheus;
  if (typeof plugin !== 'object' || plugin === null) return false;
  return (plugin as { _meta?: { disable?: unknown } })._meta?.disable !== true;
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * One meaning of "API calls" (PROTOCOL §6): APISIX's Prometheus counts only routes that carry the plugin,
 * or every route when a global rule enables it, and API7's module counts api_calls only when some global
 * rule exists. So a global rule enabling `prometheus` must exist. It is written once, in APISIX's stored
 * shape, and never rewritten: a user's own global rules are left alone, and when one of them already
 * enables prometheus none is added (two would make APISIX count each request twice).
 */
export async function ensurePrometheusGlobalRule(etcd: EtcdClient, prefix: string, nowMs: number): Promise<PrometheusRuleOutcome> {
  const dir = `${prefix}/global_rules/`;
  const key = `${dir}${PROMETHEUS_RULE_ID}`;
  const { kvs } = await etcd.list(dir);
  if (kvs.some((kv) => kv.key === key)) return { kind: 'present' };
  const other = kvs.find((kv) => !isDirectoryMarker(kv, dir) && enablesPrometheus(parse(kv.value)));
  if (other) return { kind: 'covered', by: other.key.slice(dir.length) };
  const now = Math.floor(nowMs / 1000);
  const rule = { id: PROMETHEUS_RULE_ID, plugins: { prometheus: {} }, create_time: now, update_time: now };
  return (await etcd.putIfAbsent(key, JSON.stringify(rule))) ? { kind: 'created' } : { kind: 'present' };
}
