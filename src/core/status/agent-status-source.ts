import { z } from 'zod';
import type { Engine } from '../engine/engine.ts';
import { ContainerFileNotFoundError } from '../engine/errors.ts';
import type { AgentStatusFile } from './status-inputs.ts';

export const AGENT_STATUS_PATH = '/usr/local/apisix/logs/agent-status.json';

const iso = z.string().nullable().default(null);
const agentStatusSchema = z.looseObject({
  instance_id: z.string().nullable().default(null),
  run_id: z.string().nullable().default(null),
  registered_at: iso,
  last_attempt_at: iso,
  last_success_at: iso,
  consecutive_failures: z.number().int().min(0).default(0),
  last_error: z.string().nullable().default(null),
  heartbeat_interval_s: z.number().default(10),
});

/** Validates the agent's status file (PROTOCOL §5); undefined when it is not what the agent writes. */
export function parseAgentStatus(text: string): AgentStatusFile | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = agentStatusSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  const s = parsed.data;
  return {
    instance_id: s.instance_id ?? '',
    run_id: s.run_id ?? '',
    registered_at: s.registered_at,
    last_attempt_at: s.last_attempt_at,
    last_success_at: s.last_success_at,
    consecutive_failures: s.consecutive_failures,
    last_error: s.last_error,
    heartbeat_interval_s: s.heartbeat_interval_s,
  };
}

/**
 * Reads the agent's status file out of the container through Docker's archive API, so no host folder
 * has to be writable by the gateway's user. null: the agent has not written it yet (or it is unreadable).
 */
export async function readAgentStatus(engine: Engine, containerId: string): Promise<AgentStatusFile | null> {
  try {
    const buf = await engine.readFile(containerId, AGENT_STATUS_PATH, { maxBytes: 64 * 1024 });
    return parseAgentStatus(buf.toString('utf8')) ?? null;
  } catch (err) {
    if (err instanceof ContainerFileNotFoundError) return null;
    throw err;
  }
}
