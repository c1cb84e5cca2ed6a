import { setTimeout as sleep } from 'node:timers/promises';
import type { ControlPlaneClient } from '../cloud/client.ts';
import { CloudApiError } from '../cloud/errors.ts';
import type { GatewayInstance } from '../cloud/types.ts';
import type { Engine } from '../engine/engine.ts';
import { readAgentStatus } from '../status/agent-status-source.ts';
import type { AgentStatusFile } from '../status/status-inputs.ts';
import { GatewayError, messageOf } from './errors.ts';
import { logTail } from './gateway-user.ts';

export interface Registration {
  instance: GatewayInstance;
  /** Absent for a module that writes no status file (API7's). */
  agent?: AgentStatusFile;
}

export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  signal?: AbortSignal;
  onWaiting?: (message: string) => void;
  /**
   * Whether the module writes the agent status file (PROTOCOL §5). Our agent does; API7's module does
   * not, so for it the control plane's record alone is the registration. Default true.
   */
  agentStatusFile?: boolean;
}

/**
 * Waits until both sides agree that the gateway is registered: the control plane has the instance, and
 * the agent's status file has `registered_at` for the same instance id (with API7's module, which
 * writes no such file, the control plane's record alone). Bounded; a container that exits
 * fails at once. The error quotes the agent's last_error and the container's log tail.
 */
export async function waitUntilRegistered(
  engine: Engine,
  client: ControlPlaneClient,
  target: { clusterId: string; instanceId: string; containerId: string },
  opts: WaitOptions = {},
): Promise<Registration> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  let agent: AgentStatusFile | null = null;
  let lastProblem = 'no heartbeat yet';
  let attempt = 0;
  for (;;) {
    if (opts.signal?.aborted) throw new GatewayError('register', 'The launch was cancelled while waiting for the gateway to register.');
    const info = await engine.inspectContainer(target.containerId).catch((err: unknown) => {
      throw new GatewayError('register', `The gateway container went away while registering: ${messageOf(err)}`, { cause: err });
    });
    if (!info.running) {
      throw new GatewayError(
        'register',
        `The gateway container stopped before it registered (exit code ${info.exitCode ?? 'unknown'}). It usually means it could not reach its control plane; see the log below.`,
        { logTail: await logTail(engine, target.containerId) },
      );
    }
    let instance: GatewayInstance | undefined;
    try {
      instance = await client.instance(target.clusterId, target.instanceId);
    } catch (err) {
      if (!(err instanceof CloudApiError && err.kind === 'not-found')) lastProblem = `the control plane did not answer: ${messageOf(err)}`;
    }
    // Reading the file goes through Docker's archive API: do it every time only once the control plane
    // has the record, and now and then before, for its last_error.
    const fileExpected = opts.agentStatusFile ?? true;
    if (!fileExpected && instance) return { instance };
    if (fileExpected && (instance || attempt % 8 === 0)) agent = await readAgentStatus(engine, target.containerId).catch(() => agent);
    attempt += 1;
    if (agent?.last_error) lastProblem = agent.last_error;
    if (instance && agent?.registered_at && agent.instance_id === target.instanceId) return { instance, agent };
    if (agent && agent.instance_id && agent.instance_id !== target.instanceId) {
      lastProblem = `the agent reports instance ${agent.instance_id}, not ${target.instanceId}`;
    }
    opts.onWaiting?.(instance ? 'The control plane sees the gateway; waiting for the agent to confirm' : `Waiting for the first heartbeat (${lastProblem})`);
    if (Date.now() >= deadline) break;
    await sleep(Math.min(opts.intervalMs ?? 100, Math.max(0, deadline - Date.now())));
  }
  throw new GatewayError(
    'register',
    `The gateway did not register with its control plane within ${Math.round(timeoutMs / 1000)} s (last problem: ${lastProblem}). Check that the control plane is running and reachable from Docker, then launch again.`,
    { logTail: await logTail(engine, target.containerId) },
  );
}
