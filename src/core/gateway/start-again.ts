import { specDigestOf, type GatewayContainerSpec } from '../engine/containers.ts';
import { LABEL_SPEC } from '../engine/labels.ts';
import type { ContainerInfo } from '../engine/types.ts';

/**
 * Stopped by a stop (exit code 0, not a crash) and labelled with the request it was made from: it may be
 * started again, once the launch knows what it would create. Anything else (a crash, a container that never
 * started and may lack its bundle, one made before the label existed) is replaced by a new one.
 */
export function mayStartAgain(c: ContainerInfo): boolean {
  return c.status === 'exited' && c.exitCode === 0 && c.labels[LABEL_SPEC] !== undefined;
}

/**
 * The stopped container that a new one would be identical to: made from the same create request (which
 * carries the TLS bundle's digest as a label, so the bundle in it is the current one) and the same image
 * id, so a tag pulled anew since gets a new container. Starting it skips the create and the bundle's copy.
 */
export function sameAsNew(stopped: ContainerInfo[], spec: GatewayContainerSpec, imageId: string): ContainerInfo | undefined {
  const digest = specDigestOf(spec);
  return stopped.find((c) => c.labels[LABEL_SPEC] === digest && c.imageId === imageId);
}
