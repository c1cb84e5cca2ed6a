import { dirname, join } from 'node:path';
import { instanceIdPath } from '../credentials/instance-id.ts';
import { moduleKindSchema, type ModuleKind } from '../module/module-setting.ts';

/** Where one instance's non-secret files live on the host, beside its instance-id file. */
export interface InstancePaths {
  dir: string;
  instanceIdFile: string;
  /** Rendered config.yaml, bind-mounted read-only. */
  configFile: string;
  /** The instance id as APISIX reads it (conf/apisix.uid), bind-mounted read-only. */
  uidFile: string;
}

export function instancePaths(home: string, profile: string, name: string): InstancePaths {
  const instanceIdFile = instanceIdPath({ home, profile, name });
  const dir = dirname(instanceIdFile);
  return { dir, instanceIdFile, configFile: join(dir, 'config.yaml'), uidFile: join(dir, 'apisix.uid') };
}

/** Docker container names are unique per daemon; a piece of the instance id keeps homes apart. */
export function containerNameFor(profile: string, name: string, instanceId: string): string {
  return `gateway-tray-${profile}-${name}-${instanceId.slice(0, 8)}`;
}

/** The paths of PROTOCOL §4 inside the container. */
export const CONTAINER_PATHS = {
  config: '/usr/local/apisix/conf/config.yaml',
  uid: '/usr/local/apisix/conf/apisix.uid',
  agent: '/cloud_lua_module',
  tls: '/cloud/tls',
  statusFile: '/usr/local/apisix/logs/agent-status.json',
} as const;

export const LABEL_INSTANCE_NAME = 'io.gateway-tray.instance-name';
/** Which Lua module the container runs (open-agent or api7), so status and the dashboard can say it. */
export const LABEL_MODULE = 'io.gateway-tray.module';
/** A digest of the TLS bundle put into the container when it was made (container-spec.ts). */
export const LABEL_TLS_BUNDLE = 'io.gateway-tray.tls-bundle';

/** The module a container of ours runs, from its label; undefined for one made before the label existed. */
export function moduleOfLabels(labels: Record<string, string> | undefined): ModuleKind | undefined {
  const parsed = moduleKindSchema.safeParse(labels?.[LABEL_MODULE]);
  return parsed.success ? parsed.data : undefined;
}
