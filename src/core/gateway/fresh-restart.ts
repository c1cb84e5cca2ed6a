import type { ContainerInfo } from '../engine/types.ts';
import { staleConfig } from './config-freshness.ts';
import { GatewayError, messageOf } from './errors.ts';
import { launchGateway } from './launch.ts';
import { instancePaths, LABEL_INSTANCE_NAME, moduleOfLabels } from './paths.ts';
import { requireContainer, restartContainer } from './restart.ts';
import { resolveCluster } from './resolve.ts';
import { renderStartupTemplate } from './template.ts';
import type { GatewayContext, LaunchOptions } from './types.ts';
import { waitUntilRegistered } from './wait-registered.ts';

export interface FreshRestartResult {
  containerId: string;
  containerName: string;
  /** Set when the container was recreated instead of restarted, saying why. */
  recreated?: string;
  /** The control plane's last heartbeat of the new run; absent with `wait: false`. */
  lastHeartbeatAt?: string;
}

function crashed(c: ContainerInfo): boolean {
  return !c.running && c.status !== 'restarting' && c.exitCode !== undefined && c.exitCode !== 0;
}

/**
 * Restart that fixes what a plain restart cannot: when the gateway's config names a data-plane address
 * that is not the live one (the control plane came back on another port), or the container crashed,
 * the config is rendered again and the container recreated through the launch flow, saying so.
 * Otherwise the container restarts and, unless `wait` is false, this waits for a heartbeat of the new run.
 */
export async function restartFresh(ctx: GatewayContext, opts: Pick<LaunchOptions, 'onProgress' | 'signal' | 'registerTimeoutMs'> & { wait?: boolean } = {}): Promise<FreshRestartResult> {
  const where = { home: ctx.home, profile: ctx.profile.name, ...(ctx.instanceName ? { instanceName: ctx.instanceName } : {}) };
  const { instanceId, container } = await requireContainer(ctx.engine, where, 'restart');
  const { clusterId } = await resolveCluster(ctx, await ctx.client.me());
  let hosts: string[];
  try {
    hosts = renderStartupTemplate(await ctx.client.startupTemplate(clusterId)).hosts;
  } catch (err) {
    throw new GatewayError('restart', `Could not ask the control plane where the gateway should connect: ${messageOf(err)}`, { cause: err });
  }
  const paths = instancePaths(ctx.home, ctx.profile.name, container.labels[LABEL_INSTANCE_NAME] ?? ctx.instanceName ?? 'default');
  const stale = staleConfig(paths.configFile, hosts);
  const why = stale?.message ?? (crashed(container) ? `The gateway container had exited with code ${container.exitCode}: recreating it` : undefined);
  if (why) {
    ctx.log?.(why);
    const r = await launchGateway(ctx, { ...opts, recreate: true, ...(container.image ? { image: container.image } : {}) });
    return { containerId: r.containerId, containerName: r.containerName, recreated: why, ...(r.lastHeartbeatAt ? { lastHeartbeatAt: r.lastHeartbeatAt } : {}) };
  }
  const restarted = await restartContainer(ctx.engine, container);
  if (opts.wait === false) return { containerId: restarted.id, containerName: restarted.name };
  const module = moduleOfLabels(restarted.labels);
  const reg = await waitUntilRegistered(ctx.engine, ctx.client, { clusterId, instanceId, containerId: restarted.id }, {
    agentStatusFile: module !== 'api7',
    ...(opts.registerTimeoutMs ? { timeoutMs: opts.registerTimeoutMs } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  return { containerId: restarted.id, containerName: restarted.name, ...(reg.instance.last_seen_time ? { lastHeartbeatAt: reg.instance.last_seen_time } : {}) };
}
