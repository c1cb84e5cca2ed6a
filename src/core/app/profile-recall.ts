import type { RecalledProfileView } from '../../contract/ipc-contract.ts';
import { DEFAULT_PORTS } from '../credentials/profile-schema.ts';
import type { ContainerInfo } from '../engine/types.ts';
import { publishedGatewayPorts } from './published-ports.ts';
import type { RemovedProfile } from './removed-profiles.ts';

/**
 * What a profile about to be added under `name` was before, so the form can start from it and say so:
 * a gateway container of that profile still there (its image and the ports it publishes: they are held
 * for real), else the settings the profile had when it was removed. Undefined when there is neither.
 */
export function recallProfile(name: string, containers: ContainerInfo[], removed: RemovedProfile | undefined): RecalledProfileView | undefined {
  const c = containers.find((x) => x.profile === name && x.running) ?? containers.find((x) => x.profile === name);
  if (c) {
    const published = publishedGatewayPorts(c);
    const base = removed?.ports ?? DEFAULT_PORTS;
    return {
      name,
      source: 'container',
      containerName: c.name,
      running: c.running,
      image: c.image,
      ports: {
        proxyHttp: published.http ?? base.proxyHttp,
        proxyHttps: published.https ?? base.proxyHttps,
        control: published.control ?? base.control,
        prometheus: published.prometheus ?? base.prometheus,
      },
      ...(removed ? { kind: removed.kind, module: removed.module, ...(removed.apiUrl ? { apiUrl: removed.apiUrl } : {}) } : {}),
    };
  }
  if (!removed) return undefined;
  return {
    name,
    source: 'removed',
    kind: removed.kind,
    ...(removed.apiUrl ? { apiUrl: removed.apiUrl } : {}),
    image: removed.image,
    ports: { ...removed.ports },
    module: removed.module,
    removedAt: removed.removedAt,
  };
}
