import { publishedGatewayPorts } from '../app/published-ports.ts';
import type { Engine } from '../engine/engine.ts';
import type { ContainerInfo } from '../engine/types.ts';
import { moduleOfLabels } from '../gateway/paths.ts';
import type { ContainerFacts } from './status-inputs.ts';

/** The instance's container: a running one first, else the newest leftover; null when there is none. */
export async function findInstanceContainer(engine: Engine, profile: string, instanceId: string): Promise<ContainerInfo | null> {
  const found = await engine.findManaged({ profile, instanceId });
  return found.find((c) => c.running) ?? found[0] ?? null;
}

/** What the status model needs of a container; the register grace period counts from its StartedAt. */
export function containerFacts(info: ContainerInfo | null): ContainerFacts | null {
  if (!info) return null;
  const module = moduleOfLabels(info.labels);
  const published = Object.fromEntries(Object.entries(publishedGatewayPorts(info)).filter((e): e is [string, number] => typeof e[1] === 'number'));
  return {
    id: info.id,
    state: info.status,
    ...(info.exitCode !== undefined ? { exitCode: info.exitCode } : {}),
    ...(info.startedAt !== undefined ? { startedAt: info.startedAt } : {}),
    ...(info.oomKilled ? { oomKilled: true } : {}),
    ...(module ? { module } : {}),
    ...(Object.keys(published).length > 0 ? { publishedPorts: published } : {}),
  };
}
