import { setTimeout as sleep } from 'node:timers/promises';
import type { ControlPlaneClient } from '../cloud/client.ts';
import { CloudApiError } from '../cloud/errors.ts';
import type { GatewayInstance } from '../cloud/types.ts';
import type { Engine } from '../engine/engine.ts';
import type { ContainerInfo } from '../engine/types.ts';
import { readAgentStatus } from '../status/agent-status-source.ts';
import type { AgentStatusFile } from '../status/status-inputs.ts';
import { followAgentLog } from './agent-log.ts';
import { GatewayError, messageOf } from './errors.ts';
import { logTail } from './gateway-user.ts';

export interface Registration {
  instance: GatewayInstance;
  /** Absent for a module that writes no status file (API7's). */
  agent?: AgentStatusFile;
}

export interface WaitOptions {
  timeoutMs?: number;
  /** The longest pause between two checks while no log is followed; they start at FIRST_PAUSE_MS and grow to it. Default 250. */
  intervalMs?: number;
  signal?: AbortSignal;
  onWaiting?: (message: string) => void;
  /**
   * Whether the module writes the agent status file (PROTOCOL §5). Our agent does; API7's module does
   * not, so for it the control plane's record alone is the registration. Default true.
   */
  agentStatusFile?: boolean;
  /**
   * This launch created the container or started it again, at `startedAt`: the agent's registration line is
   * followed in its log from then on, pushed within milliseconds, and the status file (a Docker archive
   * read, 50–150 ms when the file exists) is read only once a second, for its last_error. Absent, the
   * container was running already and only the file is read.
   */
  followLogFrom?: { startedAt?: number };
}

/**
 * The first heartbeat goes at agent start (PROTOCOL §5), so registration follows nginx's start by a few
 * milliseconds: the checks start close together and spread out, which finds a gateway that registers at
 * once quickly and costs little for one that takes seconds. Nothing pushes a registration to us (the
 * management API has no watch), and each check is a loopback request and a Docker inspect.
 */
const FIRST_PAUSE_MS = 10;
const PAUSE_GROWTH = 1.5;
/** Before the control plane has the record, the status file (a Docker archive read) is read this often, for its last_error. */
const AGENT_FILE_EVERY_MS = 1000;
/** For this long after the wait starts, the status file is read in every round, alongside the control plane. */
const EAGER_FILE_MS = 2000;

/** The agent's clock and Docker's StartedAt are the same host clock; this covers rounding and the cached ngx.now(). */
const SAME_RUN_SKEW_MS = 1000;

/**
 * Whether the status file confirms a registration of this instance by the container's current run: the
 * file (and the log) survive a stop and start of the container, so one from before the (re)start proves
 * nothing. The run before ended at `finishedAt`, which bounds the clocks' rounding allowance.
 */
export function confirms(agent: AgentStatusFile | null | undefined, instanceId: string, run: Pick<ContainerInfo, 'startedAt' | 'finishedAt'>): agent is AgentStatusFile {
  if (!agent?.registered_at || agent.instance_id !== instanceId) return false;
  if (run.startedAt === undefined) return true;
  const at = Date.parse(agent.registered_at);
  return !Number.isNaN(at) && at >= run.startedAt - SAME_RUN_SKEW_MS && (run.finishedAt === undefined || at > run.finishedAt);
}

/**
 * Waits until both sides agree that the gateway is registered: the control plane has the instance, and
 * the agent says `registered_at` for the same instance id, by this run of the container: in its status
 * file, or in the line it prints with the same status at its first accepted heartbeat (with API7's
 * module, which writes neither, the control plane's record alone). Bounded; a container that exits
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
  const waitStart = Date.now();
  let agentReadAt = waitStart;
  let pause = FIRST_PAUSE_MS;
  let seen = false;
  const maxPause = opts.intervalMs ?? 250;
  const fileExpected = opts.agentStatusFile ?? true;
  let firstStart: number | undefined;
  const log = fileExpected && opts.followLogFrom ? followAgentLog(engine, target.containerId, opts.followLogFrom.startedAt) : undefined;
  // A cancel ends the followed log, which wakes the wait at once rather than at its next check.
  const cancel = (): void => log?.stop();
  opts.signal?.addEventListener('abort', cancel, { once: true });
  try {
    for (;;) {
      if (opts.signal?.aborted) throw new GatewayError('register', 'The launch was cancelled while waiting for the gateway to register.', { reason: 'cancelled' });
      // A log that cannot be followed (a logging driver Docker cannot read back) leaves the file as the agent's only word.
      const following = log !== undefined && !log.ended;
      // The three reads are independent; one round costs the slowest of them, not their sum.
      const early = !following && Date.now() - waitStart < EAGER_FILE_MS;
      const readFile = fileExpected && (early || Date.now() - agentReadAt >= AGENT_FILE_EVERY_MS);
      const [info, found, file] = await Promise.all([
        engine.inspectContainer(target.containerId).catch((err: unknown) => err instanceof Error ? err : new Error(String(err))),
        client.instance(target.clusterId, target.instanceId).then(
          (i): GatewayInstance | Error => i,
          (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
        ),
        readFile ? readAgentStatus(engine, target.containerId).catch(() => undefined) : Promise.resolve(undefined),
      ]);
      if (info instanceof Error) {
        throw new GatewayError('register', `The gateway container went away while registering: ${messageOf(info)}`, { cause: info });
      }
      // With the restart policy Docker starts a crashed gateway again at once: a new StartedAt, or the
      // restarting state, is the same crash as an exit.
      firstStart ??= info.startedAt;
      const restartedByDocker = info.status === 'restarting' || (firstStart !== undefined && info.startedAt !== undefined && info.startedAt !== firstStart);
      if (!info.running || restartedByDocker) {
        throw new GatewayError(
          'register',
          `The gateway container stopped before it registered (${restartedByDocker ? 'Docker started it again, as its restart policy says' : `exit code ${info.exitCode ?? 'unknown'}`}). It usually means it could not reach its control plane; see the log below.`,
          { logTail: await logTail(engine, target.containerId), reason: 'gateway-exited' },
        );
      }
      let instance: GatewayInstance | undefined;
      if (found instanceof Error) {
        if (!(found instanceof CloudApiError && found.kind === 'not-found')) lastProblem = `the control plane did not answer: ${messageOf(found)}`;
      } else {
        instance = found;
      }
      if (!fileExpected && instance) return { instance };
      if (readFile) {
        agentReadAt = Date.now();
        agent = file ?? agent;
      }
      // The agent writes the file right after the heartbeat's answer: when the control plane's record has
      // just appeared, a file read that started before it is read again at once.
      const appeared = instance !== undefined && !seen;
      seen = seen || instance !== undefined;
      if (fileExpected && appeared && !following && !confirms(agent, target.instanceId, info)) {
        agentReadAt = Date.now();
        agent = (await readAgentStatus(engine, target.containerId).catch(() => undefined)) ?? agent;
      }
      const word = confirms(agent, target.instanceId, info) ? agent : log?.registered.findLast((s) => confirms(s, target.instanceId, info));
      if (agent?.last_error) lastProblem = agent.last_error;
      if (instance && word) return { instance, agent: word };
      if (agent?.registered_at && agent.instance_id === target.instanceId && !confirms(agent, target.instanceId, info)) {
        lastProblem = 'the status file is from before the container (re)started; no heartbeat of this run yet';
      }
      if (agent && agent.instance_id && agent.instance_id !== target.instanceId) {
        lastProblem = `the agent reports instance ${agent.instance_id}, not ${target.instanceId}`;
      }
      opts.onWaiting?.(instance ? 'The control plane sees the gateway; waiting for the agent to confirm' : `Waiting for the first heartbeat (${lastProblem})`);
      if (Date.now() >= deadline) break;
      // Once one side has it, the other's is due within milliseconds: look again soon. A followed log
      // wakes the wait when the agent's line comes, and when the container stops (its log ends); until
      // then a check a second is enough, and every check skipped leaves the CPU to the agent's handshake.
      if (word || (instance && !following)) pause = FIRST_PAUSE_MS;
      else if (following) pause = AGENT_FILE_EVERY_MS;
      else pause = Math.min(maxPause, pause * PAUSE_GROWTH);
      const ms = Math.min(pause, Math.max(0, deadline - Date.now()));
      await (following ? log.next(ms) : sleep(ms));
    }
  } finally {
    opts.signal?.removeEventListener('abort', cancel);
    log?.stop();
  }
  throw new GatewayError(
    'register',
    `The gateway did not register with its control plane within ${Math.round(timeoutMs / 1000)} s (last problem: ${lastProblem}). Check that the control plane is running and reachable from Docker, then launch again.`,
    { logTail: await logTail(engine, target.containerId), reason: 'register-timeout' },
  );
}
