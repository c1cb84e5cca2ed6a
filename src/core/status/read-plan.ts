import type { AgentStatusFile, InstanceFacts } from './status-inputs.ts';

/*
 * When the status watcher reads what, as pure functions of what it has seen: the policy that keeps
 * watching a healthy gateway nearly free (the agent's file only while somebody looks or the control
 * plane can't tell; the instance record timed by when the gateway could turn Lost).
 */

const DEFAULT_HEARTBEAT_MS = 10_000;
const DEFAULT_LOST_AFTER_MS = 30_000;

export interface ReadPlanState {
  engineReady: boolean;
  containerRunning: boolean;
  /** Paused (or a sleeping host): no heartbeats, so the record is still read to see it turn Lost. */
  containerPaused?: boolean;
  lookers: number;
  agent: AgentStatusFile | null | undefined;
  instance: InstanceFacts | null | 'unreachable' | undefined;
  instanceFailures: number;
  instancePolledAt: number | undefined;
}

export interface ReadPlanOptions {
  instancePollMs?: number | undefined;
  idleInstancePollMs?: number | undefined;
  lostAfterMs?: number | undefined;
}

/** The agent's own heartbeat interval, from its status file, else the default 10 s. */
export function heartbeatMs(agent: AgentStatusFile | null | undefined): number {
  const s = agent?.heartbeat_interval_s;
  return s && s > 0 ? Math.max(1000, s * 1000) : DEFAULT_HEARTBEAT_MS;
}

/** The status file adds what the control plane's record cannot say; while nobody looks, only then. */
export function agentWanted(s: ReadPlanState): boolean {
  if (!s.containerRunning) return false;
  if (s.lookers > 0) return true;
  const i = s.instance;
  // Not asked yet: the record's answer decides (it comes at once after a container change).
  if (i === undefined) return false;
  return !(i !== null && i !== 'unreachable' && (i.status === 'Healthy' || i.status === 'Only Heartbeats'));
}

export function instanceWanted(s: ReadPlanState): boolean {
  return s.engineReady && (s.lookers > 0 || s.containerRunning || s.containerPaused === true);
}

export function instanceIntervalMs(s: ReadPlanState, o: ReadPlanOptions): number {
  const backoff = Math.min(6, 2 ** Math.max(0, s.instanceFailures - 2));
  if (s.lookers > 0) return (o.instancePollMs ?? 5000) * backoff;
  if (o.idleInstancePollMs !== undefined) return o.idleInstancePollMs * backoff;
  const heartbeat = heartbeatMs(s.agent);
  const i = s.instance;
  const lastSeen = i && i !== 'unreachable' && i.status !== 'Lost Connection' && i.status !== 'Offline' && i.lastSeenTime ? Date.parse(i.lastSeenTime) : NaN;
  if (Number.isNaN(lastSeen) || s.instancePolledAt === undefined) return heartbeat * backoff;
  // Nothing the tray shows can change before the record could say Lost; the clamp bounds a skewed clock.
  const lostAfter = o.lostAfterMs ?? DEFAULT_LOST_AFTER_MS;
  const untilLost = lastSeen + lostAfter + 1000 - s.instancePolledAt;
  return Math.min(lostAfter, Math.max(heartbeat, untilLost));
}
