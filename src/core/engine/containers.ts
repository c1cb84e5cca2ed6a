import { setTimeout as sleep } from 'node:timers/promises';
import type Docker from 'dockerode';
import { z } from 'zod';
import { unavailableOr } from './client.ts';
import { ContainerNotFoundError, EngineError, PortInUseError, dockerMessage, statusCodeOf } from './errors.ts';
import { LABEL_SPEC, managedLabelFilters, managedLabels } from './labels.ts';
import { requestDigest } from './spec-digest.ts';
import { assertPortsFree, portConflictFrom } from './port-check.ts';
import { toContainerInfo } from './container-info.ts';
import type { ContainerInfo, PortBinding } from './types.ts';

const portSchema = z.object({
  containerPort: z.number().int().min(1).max(65535),
  protocol: z.enum(['tcp', 'udp']).optional(),
  hostPort: z.number().int().min(1).max(65535),
  hostIp: z.union([z.ipv4(), z.ipv6()]).optional(),
});

export const gatewayContainerSpecSchema = z.object({
  image: z.string().min(1),
  instanceId: z.string().min(1),
  profile: z.string().min(1),
  /** Docker container name; Docker picks one when absent. */
  name: z.string().regex(/^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/, 'a container name may hold letters, digits, _ . and -').optional(),
  env: z.record(z.string(), z.string()).default({}),
  user: z.string().optional(),
  entrypoint: z.array(z.string()).optional(),
  cmd: z.array(z.string()).optional(),
  binds: z
    .array(z.object({ hostPath: z.string().min(1), containerPath: z.string().startsWith('/'), readOnly: z.boolean().optional() }))
    .default([]),
  ports: z.array(portSchema).default([]),
  /** Extra labels; ours (managed, instance id, profile) always win. */
  labels: z.record(z.string(), z.string()).default({}),
});
export type GatewayContainerSpec = z.input<typeof gatewayContainerSpecSchema>;

export interface CreateOptions {
  /** Adds host.docker.internal on Linux, where Docker does not define it. Defaults to this process's platform. */
  platform?: NodeJS.Platform;
  /** Skip the host-port check (the create/start conflict is still translated). */
  skipPortCheck?: boolean;
}

function portKey(p: PortBinding): string {
  return `${p.containerPort}/${p.protocol ?? 'tcp'}`;
}

/** Docker's ExposedPorts and PortBindings for a list of published ports. */
export function publishedPorts(ports: PortBinding[]): { exposed: Record<string, object>; bindings: Record<string, Array<{ HostPort: string; HostIp?: string }>> } {
  const exposed: Record<string, object> = {};
  const bindings: Record<string, Array<{ HostPort: string; HostIp?: string }>> = {};
  for (const p of ports) {
    exposed[portKey(p)] = {};
    (bindings[portKey(p)] ??= []).push({ HostPort: String(p.hostPort), ...(p.hostIp ? { HostIp: p.hostIp } : {}) });
  }
  return { exposed, bindings };
}

/** The fields every container of ours sets the same way, gateway or component. */
export function baseCreateRequest(spec: { name?: string | undefined; image: string; entrypoint?: string[] | undefined; cmd?: string[] | undefined; user?: string | undefined; env: Record<string, string> }) {
  return {
    ...(spec.name ? { name: spec.name } : {}),
    Image: spec.image,
    ...(spec.entrypoint ? { Entrypoint: spec.entrypoint } : {}),
    ...(spec.cmd ? { Cmd: spec.cmd } : {}),
    ...(spec.user ? { User: spec.user } : {}),
    Env: Object.entries(spec.env).map(([k, v]) => `${k}=${v}`),
  };
}

/** The create request Docker gets for a spec. Exposed for tests of the mapping. */
export function createRequestOf(spec: z.output<typeof gatewayContainerSpecSchema>, platform: NodeJS.Platform): Docker.ContainerCreateOptions {
  const { exposed, bindings } = publishedPorts(spec.ports);
  return {
    ...baseCreateRequest(spec),
    Labels: { ...spec.labels, ...managedLabels(spec.instanceId, spec.profile) },
    ExposedPorts: exposed,
    HostConfig: {
      Binds: spec.binds.map((b) => `${b.hostPath}:${b.containerPath}${b.readOnly ? ':ro' : ''}`),
      PortBindings: bindings,
      // Back after a Docker restart or a reboot; a stop by the app (or by the user) stays stopped.
      RestartPolicy: { Name: 'unless-stopped' },
      // Docker Desktop defines host.docker.internal; Docker Engine on Linux needs it spelled out.
      ...(platform === 'linux' ? { ExtraHosts: ['host.docker.internal:host-gateway'] } : {}),
    },
  };
}

/** The digest of the request a spec makes (LABEL_SPEC): equal for a stopped container of ours that may simply start again. */
export function specDigestOf(spec: GatewayContainerSpec, platform: NodeJS.Platform = process.platform): string {
  return requestDigest(createRequestOf(gatewayContainerSpecSchema.parse(spec), platform));
}

/** Creates one of our containers. Ports are checked first; a conflict leaves nothing behind. */
export async function createGatewayContainer(docker: Docker, spec: GatewayContainerSpec, opts: CreateOptions = {}): Promise<ContainerInfo> {
  const parsed = gatewayContainerSpecSchema.parse(spec);
  if (!opts.skipPortCheck) await assertPortsFree(parsed.ports);
  const request = createRequestOf(parsed, opts.platform ?? process.platform);
  request.Labels = { ...request.Labels, [LABEL_SPEC]: requestDigest(request) };
  let container: Docker.Container;
  try {
    container = await docker.createContainer(request);
  } catch (err) {
    throw translate(docker, err, parsed.name ?? parsed.image);
  }
  return inspectContainer(docker, container.id);
}

/**
 * Starts a container. A port conflict becomes PortInUseError; with `removeOnPortConflict` the container,
 * which can never start as it is, is removed so that nothing half-made is left.
 */
export async function startContainer(docker: Docker, id: string, opts: { removeOnPortConflict?: boolean } = {}): Promise<ContainerInfo> {
  try {
    await docker.getContainer(id).start();
  } catch (err) {
    // 304: already running, which is what was asked for.
    if (statusCodeOf(err) !== 304) {
      const translated = translate(docker, err, id);
      if (translated instanceof PortInUseError && opts.removeOnPortConflict) await removeContainer(docker, id);
      throw translated;
    }
  }
  return inspectContainer(docker, id);
}

/** Creates and starts in one go, removing the container again if it cannot start for a port conflict. */
export async function runGatewayContainer(docker: Docker, spec: GatewayContainerSpec, opts: CreateOptions = {}): Promise<ContainerInfo> {
  const created = await createGatewayContainer(docker, spec, opts);
  return startContainer(docker, created.id, { removeOnPortConflict: true });
}

/**
 * Stops gracefully: Docker sends SIGTERM and kills after `timeoutSeconds`. Should the daemon not answer
 * well after that, the container is killed outright.
 */
export async function stopContainer(docker: Docker, id: string, opts: { timeoutSeconds?: number } = {}): Promise<ContainerInfo> {
  const t = opts.timeoutSeconds ?? 10;
  const container = docker.getContainer(id);
  try {
    await container.stop({ t, abortSignal: AbortSignal.timeout((t + 15) * 1000) });
  } catch (err) {
    const status = statusCodeOf(err);
    if (status === 304) return inspectContainer(docker, id); // already stopped
    if (status === 404) throw new ContainerNotFoundError(id, { cause: err });
    if ((err as Error).name !== 'AbortError') throw translate(docker, err, id);
    try {
      await container.kill();
    } catch (killErr) {
      // 409: it stopped meanwhile.
      if (statusCodeOf(killErr) !== 409) throw translate(docker, killErr, id);
    }
  }
  return inspectContainer(docker, id);
}

/**
 * Removes a container (forced, with its anonymous volumes). A container that is already gone is fine.
 * Returns only once Docker no longer lists it, so that a caller's next listing agrees.
 */
export async function removeContainer(docker: Docker, id: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await docker.getContainer(id).remove({ force: true, v: true });
      return;
    } catch (err) {
      const status = statusCodeOf(err);
      if (status === 404) return;
      // 409 "removal already in progress": someone else's removal is under way; it is done when theirs is.
      if (status === 409 && /already in progress/i.test(dockerMessage(err))) return waitRemoved(docker, id);
      // overlay2 can lose a race with the container's dying processes over its files ("failed to remove
      // root filesystem: … directory not empty", seen after a cancelled launch); the container is then
      // Dead, and removing it again works.
      if (attempt < REMOVE_ATTEMPTS && /failed to remove root filesystem/i.test(dockerMessage(err))) {
        await sleep(attempt * 200);
        continue;
      }
      throw translate(docker, err, id);
    }
  }
}

const REMOVE_ATTEMPTS = 4;

/** Docker removes a stopped container in well under a second; a removal past this is stuck. */
const REMOVAL_WAIT_MS = 30_000;

async function waitRemoved(docker: Docker, id: string): Promise<void> {
  try {
    await docker.getContainer(id).wait({ condition: 'removed', abortSignal: AbortSignal.timeout(REMOVAL_WAIT_MS) });
  } catch (err) {
    if (statusCodeOf(err) === 404) return; // gone before the wait began
    if ((err as Error).name === 'AbortError') throw new Error(`Docker was still removing container ${id.slice(0, 12)} after ${REMOVAL_WAIT_MS / 1000} s`, { cause: err });
    throw translate(docker, err, id);
  }
}

export async function inspectContainer(docker: Docker, id: string): Promise<ContainerInfo> {
  try {
    return toContainerInfo(await docker.getContainer(id).inspect());
  } catch (err) {
    throw translate(docker, err, id);
  }
}

/** Containers (running or not) carrying every one of these `key=value` labels, inspected. */
export async function findByLabels(docker: Docker, labels: string[]): Promise<ContainerInfo[]> {
  let list: Docker.ContainerInfo[];
  try {
    list = await docker.listContainers({ all: true, filters: { label: labels } });
  } catch (err) {
    throw translate(docker, err, 'list');
  }
  const found: ContainerInfo[] = [];
  for (const summary of list) {
    try {
      found.push(await inspectContainer(docker, summary.Id));
    } catch (err) {
      // Removed between list and inspect: it is not there any more.
      if (!(err instanceof ContainerNotFoundError)) throw err;
    }
  }
  return found;
}

/** Our containers (running or not), optionally one profile or instance, so nothing is created twice. */
export function findManaged(docker: Docker, query: { profile?: string; instanceId?: string } = {}): Promise<ContainerInfo[]> {
  return findByLabels(docker, managedLabelFilters(query));
}

/** Docker errors as the engine layer reports them (port conflicts, missing things, an unreachable daemon). */
export function translate(docker: Docker, err: unknown, what: string): unknown {
  const message = dockerMessage(err);
  const conflict = portConflictFrom(message);
  if (conflict) return new PortInUseError(conflict.port, conflict.hostIp, { cause: err });
  const status = statusCodeOf(err);
  if (status === 404 && /no such container/i.test(message)) return new ContainerNotFoundError(what, { cause: err });
  if (status === 404 && /no such image/i.test(message)) {
    return new EngineError(`${message}: pull the image first`, { cause: err });
  }
  if (status === 409 && /already in use/i.test(message)) {
    return new EngineError(`${message}: remove that container or choose another name`, { cause: err });
  }
  if (status !== undefined) return new EngineError(`Docker refused the request for ${what}: ${message}`, { cause: err });
  return unavailableOr(docker, err);
}
