import type { ContainerInfo } from '../engine/types.ts';

/** The gateway's ports by role, as the status and the UI name them. */
export interface GatewayPortMap {
  http: number;
  https: number;
  control: number;
  prometheus: number;
}

/** Container port → role; fixed by the gateway's container spec (9080, 9443, 9090, 9091 inside). */
const ROLE_OF: Record<number, keyof GatewayPortMap> = { 9080: 'http', 9443: 'https', 9090: 'control', 9091: 'prometheus' };

/**
 * The host ports a gateway container really publishes. A profile's saved ports may have been edited
 * since the container was made; what the container publishes is what answers until the next launch.
 */
export function publishedGatewayPorts(info: Pick<ContainerInfo, 'ports'>): Partial<GatewayPortMap> {
  const out: Partial<GatewayPortMap> = {};
  for (const b of info.ports) {
    const role = ROLE_OF[b.containerPort];
    if (role && (b.protocol ?? 'tcp') === 'tcp' && out[role] === undefined) out[role] = b.hostPort;
  }
  return out;
}
