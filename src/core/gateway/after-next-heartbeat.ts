import { setTimeout as sleep } from 'node:timers/promises';
import { resolveCluster } from './resolve.ts';
import type { GatewayContext } from './types.ts';

/** A little over the agent's heartbeat interval (10 s). */
export const HEARTBEAT_WAIT_MS = 15_000;

/**
 * Waits (bounded) until the gateway's next heartbeat reaches the control plane. A restart right after a
 * heartbeat leaves a gap of the restart's length; one just before the next is due adds most of an
 * interval to it. Both automatic renewers (the app's and the background control plane's) wait for it:
 * the moment a certificate falls due says nothing about where the gateway is in its heartbeat cycle.
 */
export async function afterNextHeartbeat(ctx: GatewayContext, instanceId: string, maxMs: number): Promise<void> {
  const { clusterId } = await resolveCluster(ctx, await ctx.client.me());
  const lastSeen = async () => (await ctx.client.instance(clusterId, instanceId).catch(() => undefined))?.last_seen_time;
  const first = await lastSeen();
  if (!first) return;
  const deadline = Date.now() + maxMs;
  while (Date.now() < deadline) {
    await sleep(250);
    const at = await lastSeen();
    if (at !== undefined && at !== first) return;
  }
}
