import type { Profile } from '../credentials/profile-schema.ts';
import type { ProfileStore } from '../credentials/profile-store.ts';
import type { Engine } from '../engine/engine.ts';
import type { ContainerInfo } from '../engine/types.ts';
import { readInstanceId } from '../gateway/instance-lookup.ts';
import { LABEL_INSTANCE_NAME, moduleOfLabels } from '../gateway/paths.ts';
import type { ModuleKind } from '../module/module-setting.ts';
import { publishedGatewayPorts, type GatewayPortMap } from './published-ports.ts';

/** A gateway of this home whose profile is gone (removed, or set aside with a damaged settings file). */
export interface OrphanGateway {
  containerId: string;
  containerName: string;
  profile: string;
  instanceName: string;
  instanceId: string;
  image: string;
  running: boolean;
  module?: ModuleKind;
  ports: Partial<GatewayPortMap>;
  /** What can be done: Adopt re-creates the profile from the labels, Remove stops and removes the container. */
  actions: Array<'adopt' | 'remove'>;
}

/**
 * Our gateway containers (found by their labels) that belong to this home, since the home's instance-id
 * file names their instance, but whose profile is not in the settings. The daemon is shared by every
 * home on the machine: a container of another home has no instance-id file here, and is not listed.
 */
export async function findOrphanGateways(engine: Pick<Engine, 'findManaged'>, home: string, profiles: Iterable<string>): Promise<OrphanGateway[]> {
  const known = new Set(profiles);
  const found: ContainerInfo[] = await engine.findManaged();
  const orphans: OrphanGateway[] = [];
  for (const c of found) {
    const profile = c.profile;
    const instanceName = c.labels[LABEL_INSTANCE_NAME] ?? 'default';
    if (!profile || !c.instanceId || known.has(profile)) continue;
    let id: string | undefined;
    try {
      id = readInstanceId(home, profile, instanceName);
    } catch {
      continue; // a label that is no valid profile name is not one of ours to offer
    }
    if (id !== c.instanceId) continue;
    const module = moduleOfLabels(c.labels);
    orphans.push({
      containerId: c.id,
      containerName: c.name,
      profile,
      instanceName,
      instanceId: c.instanceId,
      image: c.image,
      running: c.running,
      ...(module ? { module } : {}),
      ports: publishedGatewayPorts(c),
      actions: ['adopt', 'remove'],
    });
  }
  return orphans;
}

/**
 * Re-creates the orphan's profile from what its container says: name, image, module and the ports it
 * publishes. Its instance id, certificate and files are still in the home, so status and launch find
 * the gateway again. A cloud profile's control-plane address is not on the container: it comes back as
 * a local profile, to be changed (and given a token) in Settings if it was a cloud one.
 */
export function adoptOrphan(store: ProfileStore, orphan: OrphanGateway): Profile {
  const p = orphan.ports;
  return store.add({
    name: orphan.profile,
    kind: 'local',
    image: orphan.image,
    ...(orphan.module ? { module: orphan.module } : {}),
    ports: {
      ...(p.http ? { proxyHttp: p.http } : {}),
      ...(p.https ? { proxyHttps: p.https } : {}),
      ...(p.control ? { control: p.control } : {}),
      ...(p.prometheus ? { prometheus: p.prometheus } : {}),
    },
  });
}

/** Stops and removes an orphan's container; its instance files stay (they hold no secret but the key, 0600). */
export async function removeOrphan(engine: Pick<Engine, 'stopContainer' | 'removeContainer'>, orphan: OrphanGateway): Promise<void> {
  if (orphan.running) await engine.stopContainer(orphan.containerId, { timeoutSeconds: 10 });
  await engine.removeContainer(orphan.containerId);
}
