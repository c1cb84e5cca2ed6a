import type Docker from 'dockerode';
import { z } from 'zod';
import { baseCreateRequest, findByLabels, inspectContainer, publishedPorts, translate } from './containers.ts';
import { LABEL_COMPONENT, LABEL_MANAGED } from './labels.ts';
import { assertPortsFree } from './port-check.ts';
import type { ContainerInfo } from './types.ts';

const volumeName = z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/, 'a volume name may hold letters, digits, _ . and -');

/**
 * A helper container of ours that is not a gateway (the app's etcd): it carries LABEL_COMPONENT and never
 * LABEL_MANAGED, and its data may live in named volumes, which Docker creates on first use.
 */
export const componentContainerSpecSchema = z.object({
  image: z.string().min(1),
  component: z.string().regex(/^[a-z][a-z0-9-]*$/),
  name: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/, 'a container name may hold letters, digits, _ . and -').optional(),
  env: z.record(z.string(), z.string()).default({}),
  user: z.string().optional(),
  entrypoint: z.array(z.string()).optional(),
  cmd: z.array(z.string()).optional(),
  volumes: z.array(z.object({ name: volumeName, containerPath: z.string().startsWith('/') })).default([]),
  ports: z
    .array(z.object({ containerPort: z.number().int().min(1).max(65535), hostPort: z.number().int().min(1).max(65535), hostIp: z.union([z.ipv4(), z.ipv6()]).optional() }))
    .default([]),
  /** Extra labels; the component label always wins, and the gateway label is never set. */
  labels: z.record(z.string(), z.string()).default({}),
});
export type ComponentContainerSpec = z.input<typeof componentContainerSpecSchema>;

/** The create request Docker gets for a component spec. Exposed for tests of the mapping. */
export function componentCreateRequestOf(spec: z.output<typeof componentContainerSpecSchema>): Docker.ContainerCreateOptions {
  const { exposed, bindings } = publishedPorts(spec.ports);
  const { [LABEL_MANAGED]: _gateway, ...extra } = spec.labels;
  return {
    ...baseCreateRequest(spec),
    Labels: { ...extra, [LABEL_COMPONENT]: spec.component },
    ExposedPorts: exposed,
    HostConfig: {
      // A named volume (not a host folder): Docker creates it on first use and copies the image's folder
      // into it, owner included, so a non-root image user can write there.
      Mounts: spec.volumes.map((v) => ({ Type: 'volume' as const, Source: v.name, Target: v.containerPath })),
      PortBindings: bindings,
    },
  };
}

/** Creates a component container. Ports are checked first; a conflict leaves nothing behind. */
export async function createComponentContainer(docker: Docker, spec: ComponentContainerSpec): Promise<ContainerInfo> {
  const parsed = componentContainerSpecSchema.parse(spec);
  await assertPortsFree(parsed.ports);
  let container: Docker.Container;
  try {
    container = await docker.createContainer(componentCreateRequestOf(parsed));
  } catch (err) {
    throw translate(docker, err, parsed.name ?? parsed.image);
  }
  return inspectContainer(docker, container.id);
}

/** Our containers of one component (running or not), optionally narrowed by more `key=value` labels. */
export function findComponent(docker: Docker, component: string, labels: Record<string, string> = {}): Promise<ContainerInfo[]> {
  return findByLabels(docker, [`${LABEL_COMPONENT}=${component}`, ...Object.entries(labels).map(([k, v]) => `${k}=${v}`)]);
}
