import { z } from 'zod';
import { LABEL_INSTANCE_ID, LABEL_PROFILE, isManaged } from './labels.ts';
import { OTHER_EVENT_TYPES, type EngineEvent, type OtherEngineEvent } from './types.ts';

const rawEventSchema = z.looseObject({
  Type: z.string(),
  Action: z.string(),
  Actor: z.looseObject({ ID: z.string().default(''), Attributes: z.record(z.string(), z.string()).default({}) }).optional(),
  time: z.number().optional(),
  timeNano: z.number().optional(),
});

// Attributes of a container event that are not labels (Docker mixes labels into the same map).
const CONTAINER_ATTRIBUTES = new Set(['name', 'image', 'exitCode', 'signal', 'execID', 'execDuration', 'exitStatus']);

/** Types one event from Docker's /events stream; undefined for anything that is not an event. */
export function parseDockerEvent(raw: unknown): EngineEvent | undefined {
  const parsed = rawEventSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  const { Type, Action, Actor, time, timeNano } = parsed.data;
  const attributes = Actor?.Attributes ?? {};
  const when = new Date(timeNano !== undefined ? Math.floor(timeNano / 1e6) : (time ?? 0) * 1000);
  if (Type !== 'container') {
    // A type this version does not know is dropped rather than passed on untyped.
    if (!(OTHER_EVENT_TYPES as readonly string[]).includes(Type)) return undefined;
    return { type: Type as OtherEngineEvent['type'], action: Action, actorId: Actor?.ID ?? '', attributes, time: when };
  }
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(attributes)) if (!CONTAINER_ATTRIBUTES.has(key)) labels[key] = value;
  const exitCode = attributes.exitCode !== undefined ? Number(attributes.exitCode) : undefined;
  return {
    type: 'container',
    // "exec_start: sh -c ..." carries its command after the colon; the action is the part before.
    action: Action.split(':')[0]!.trim(),
    containerId: Actor?.ID ?? '',
    ...(attributes.name !== undefined ? { name: attributes.name } : {}),
    ...(attributes.image !== undefined ? { image: attributes.image } : {}),
    labels,
    managed: isManaged(labels),
    ...(labels[LABEL_INSTANCE_ID] !== undefined ? { instanceId: labels[LABEL_INSTANCE_ID] } : {}),
    ...(labels[LABEL_PROFILE] !== undefined ? { profile: labels[LABEL_PROFILE] } : {}),
    ...(exitCode !== undefined && Number.isFinite(exitCode) ? { exitCode } : {}),
    time: when,
  };
}

/**
 * The container actions after which its state (running, exit code, start time) may differ. Everything
 * else Docker reports is a look at or into a container that leaves its state alone: `archive-path` is
 * sent for every read of a file through the archive API (the agent's status file), `exec_*` for every
 * exec, `attach`, `resize`, `top`, `export` and `commit` for what their names say. Refreshing on those
 * made each status-file read trigger the next one, in a loop as fast as the daemon answered.
 */
export const CONTAINER_STATE_ACTIONS: readonly string[] = ['create', 'start', 'restart', 'stop', 'die', 'kill', 'oom', 'pause', 'unpause', 'destroy', 'rename', 'update'];

export function changesContainerState(event: EngineEvent): boolean {
  return event.type === 'container' && CONTAINER_STATE_ACTIONS.includes(event.action);
}

/**
 * Splits a stream of newline-delimited JSON into objects. Lines that are not JSON are dropped: the
 * stream comes from outside and must not be able to throw inside a data handler.
 */
export class JsonLineSplitter {
  private buffer = '';

  push(chunk: Buffer | string): unknown[] {
    this.buffer += chunk.toString();
    const out: unknown[] = [];
    let newline: number;
    while ((newline = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, newline).trim();
      this.buffer = this.buffer.slice(newline + 1);
      if (!line) continue;
      try {
        out.push(JSON.parse(line));
      } catch {
        // Not JSON: ignore, as the docker CLI does with garbage on the stream.
      }
    }
    return out;
  }
}
