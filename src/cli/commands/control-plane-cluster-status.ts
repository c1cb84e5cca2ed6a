import type { ClusterStatus } from '../../control-plane/stores.ts';
import { locateLocalControlPlane } from '../../core/gateway/local-control-plane.ts';

/**
 * The cluster part of `control-plane status`, read from `GET /api/v1/cluster` of the control plane that
 * answers for this home. Undefined when it is not a `--cluster` replica (the route answers 404) or when it
 * does not answer; the rest of the status says that already.
 */
export async function readClusterStatus(home: string, timeoutMs = 3000): Promise<ClusterStatus | undefined> {
  const located = await locateLocalControlPlane(home, timeoutMs);
  if (!('info' in located)) return undefined;
  try {
    const res = await fetch(`${located.info.apiUrl}/api/v1/cluster`, { headers: { authorization: `Bearer ${located.token}` }, signal: AbortSignal.timeout(timeoutMs) });
    if (res.status !== 200) return undefined;
    const body = (await res.json()) as { payload?: ClusterStatus };
    return body.payload;
  } catch {
    return undefined;
  }
}

/** The lines status prints for it: which replicas are seen, whether etcd answers, its members and the prefix. */
export function clusterStatusLines(c: ClusterStatus): string[] {
  const others = c.other_replicas.length === 0 ? 'no other replica seen' : `${c.other_replicas.length} other replica(s) seen: ${c.other_replicas.join(', ')}`;
  const etcd = c.etcd.reachable
    ? `answers (since ${c.etcd.since})`
    : `does not answer since ${c.etcd.since} (${c.etcd.last_error ?? 'unknown'}); this replica serves what it holds`;
  return [
    `Cluster: replica ${c.replica}, ${others}`,
    `  etcd            ${etcd}`,
    `  members         ${c.etcd.members.join(', ')}`,
    `  prefix          ${c.prefix}`,
    `  holds           ${c.instances} instance(s), ${c.revoked_serials} revoked serial(s), ${c.pending_instance_writes} instance write(s) pending`,
  ];
}
