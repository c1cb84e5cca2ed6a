import { z } from 'zod';
import { EngineError } from './errors.ts';
import { LABEL_INSTANCE_ID, LABEL_PROFILE } from './labels.ts';
import type { ContainerInfo, ContainerStatus, PortBinding } from './types.ts';

const STATUSES = ['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead'] as const;

const inspectSchema = z.looseObject({
  Id: z.string(),
  Name: z.string().default(''),
  /** The image's id, which stays what it was when the container was made, whatever its tag names now. */
  Image: z.string().optional(),
  Config: z.looseObject({
    Image: z.string().default(''),
    Labels: z.record(z.string(), z.string()).nullable().default({}),
  }),
  State: z.looseObject({
    Status: z.string(),
    Running: z.boolean(),
    ExitCode: z.number().optional(),
    StartedAt: z.string().optional(),
    FinishedAt: z.string().optional(),
    OOMKilled: z.boolean().optional(),
  }),
  HostConfig: z
    .looseObject({
      PortBindings: z
        .record(z.string(), z.array(z.looseObject({ HostIp: z.string().optional(), HostPort: z.string().optional() })).nullable())
        .nullable()
        .optional(),
    })
    .optional(),
});

/** The part of `docker inspect` this module reads. */
export type InspectLike = z.input<typeof inspectSchema>;

function portsOf(bindings: Record<string, Array<{ HostIp?: string | undefined; HostPort?: string | undefined }> | null> | null | undefined): PortBinding[] {
  const ports: PortBinding[] = [];
  for (const [key, list] of Object.entries(bindings ?? {})) {
    const [port, proto] = key.split('/');
    for (const b of list ?? []) {
      const hostPort = Number(b.HostPort);
      if (!Number.isInteger(hostPort) || hostPort <= 0) continue;
      ports.push({
        containerPort: Number(port),
        protocol: proto === 'udp' ? 'udp' : 'tcp',
        hostPort,
        ...(b.HostIp ? { hostIp: b.HostIp } : {}),
      });
    }
  }
  return ports;
}

/** Docker writes the zero time (year 1) for a container that never started (or never stopped). */
function timeOf(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) || t <= 0 ? undefined : t;
}

/** Summarises an inspect result; the requested port bindings are reported as asked for. */
export function toContainerInfo(raw: unknown): ContainerInfo {
  const parsed = inspectSchema.safeParse(raw);
  if (!parsed.success) throw new EngineError(`Docker returned a container description the app cannot read: ${parsed.error.message}`);
  const c = parsed.data;
  const labels = c.Config.Labels ?? {};
  const status = (STATUSES as readonly string[]).includes(c.State.Status) ? (c.State.Status as ContainerStatus) : 'dead';
  return {
    id: c.Id,
    name: c.Name.replace(/^\//, ''),
    image: c.Config.Image,
    ...(c.Image ? { imageId: c.Image } : {}),
    status,
    running: c.State.Running,
    ...(c.State.Running || c.State.ExitCode === undefined || status === 'created' ? {} : { exitCode: c.State.ExitCode }),
    ...(timeOf(c.State.StartedAt) !== undefined ? { startedAt: timeOf(c.State.StartedAt) } : {}),
    ...(timeOf(c.State.FinishedAt) !== undefined ? { finishedAt: timeOf(c.State.FinishedAt) } : {}),
    ...(c.State.OOMKilled ? { oomKilled: true } : {}),
    labels,
    ...(labels[LABEL_INSTANCE_ID] !== undefined ? { instanceId: labels[LABEL_INSTANCE_ID] } : {}),
    ...(labels[LABEL_PROFILE] !== undefined ? { profile: labels[LABEL_PROFILE] } : {}),
    ports: portsOf(c.HostConfig?.PortBindings),
  };
}
