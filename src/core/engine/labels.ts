/** The labels that mark a container as ours, so the app can find it again after a restart. */
export const LABEL_MANAGED = 'io.gateway-tray.managed';
export const LABEL_INSTANCE_ID = 'io.gateway-tray.instance-id';
export const LABEL_PROFILE = 'io.gateway-tray.profile';
/** A digest of the create request a gateway container was made from (spec-digest.ts). */
export const LABEL_SPEC = 'io.gateway-tray.spec';

export function managedLabels(instanceId: string, profile: string): Record<string, string> {
  return { [LABEL_MANAGED]: 'true', [LABEL_INSTANCE_ID]: instanceId, [LABEL_PROFILE]: profile };
}

/** Docker label filters (`key=value`) that select our containers, optionally one profile or instance. */
export function managedLabelFilters(query: { profile?: string; instanceId?: string } = {}): string[] {
  const filters = [`${LABEL_MANAGED}=true`];
  if (query.profile !== undefined) filters.push(`${LABEL_PROFILE}=${query.profile}`);
  if (query.instanceId !== undefined) filters.push(`${LABEL_INSTANCE_ID}=${query.instanceId}`);
  return filters;
}

export function isManaged(labels: Record<string, string> | undefined): boolean {
  return labels?.[LABEL_MANAGED] === 'true';
}

/**
 * Marks a helper container of ours that is not a gateway (e.g. `etcd`). It never carries LABEL_MANAGED,
 * so findManaged and the status watcher never take it for a gateway.
 */
export const LABEL_COMPONENT = 'io.gateway-tray.component';
