import type { Engine } from '../engine/engine.ts';
import type { ContainerInfo } from '../engine/types.ts';
import { GatewayError, messageOf } from './errors.ts';
import { logTail } from './gateway-user.ts';
import { instanceContainers } from './instance-lookup.ts';

/** The one container of this instance, or an error that says to launch first. */
export async function requireContainer(engine: Engine, where: { home: string; profile: string; instanceName?: string }, stage: 'restart' | 'renew'): Promise<{ instanceId: string; container: ContainerInfo }> {
  const { instanceId, containers } = await instanceContainers(engine, where.home, where.profile, where.instanceName);
  const container = containers.find((c) => c.running) ?? containers[0];
  if (!instanceId || !container) {
    throw new GatewayError(stage, `Profile "${where.profile}" has no gateway container; launch it with 'gateway-tray launch --profile ${where.profile}'.`, { reason: 'not-launched' });
  }
  return { instanceId, container };
}

/** Stops and starts the container again (new run id; the agent registers its first heartbeat at once). */
export async function restartContainer(engine: Engine, container: ContainerInfo, stage: 'restart' | 'renew' = 'restart'): Promise<ContainerInfo> {
  try {
    if (container.running) await engine.stopContainer(container.id);
    return await engine.startContainer(container.id);
  } catch (err) {
    throw new GatewayError(stage, `Could not restart the gateway container ${container.name}: ${messageOf(err)}`, { cause: err, logTail: await logTail(engine, container.id) });
  }
}

export async function restartGateway(engine: Engine, where: { home: string; profile: string; instanceName?: string }): Promise<ContainerInfo> {
  const { container } = await requireContainer(engine, where, 'restart');
  return restartContainer(engine, container);
}
