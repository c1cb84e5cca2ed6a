import { readFileSync } from 'node:fs';
import { DEFAULT_INSTANCE_NAME, instanceIdPath } from '../credentials/instance-id.ts';
import type { Engine } from '../engine/engine.ts';
import type { ContainerInfo } from '../engine/types.ts';

/** The instance id of a profile's instance, without making one: undefined before the first launch. */
export function readInstanceId(home: string, profile: string, name: string = DEFAULT_INSTANCE_NAME): string | undefined {
  try {
    const id = readFileSync(instanceIdPath({ home, profile, name }), 'utf8').trim();
    return id || undefined;
  } catch {
    return undefined;
  }
}

/** The containers of one instance (normally one); empty before the first launch. */
export async function instanceContainers(engine: Engine, home: string, profile: string, name?: string): Promise<{ instanceId?: string; containers: ContainerInfo[] }> {
  const instanceId = readInstanceId(home, profile, name);
  if (!instanceId) return { containers: [] };
  return { instanceId, containers: await engine.findManaged({ profile, instanceId }) };
}
