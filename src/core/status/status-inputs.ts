import type { ReasonCode } from '../reasons/reason-codes.ts';

/** Why the control plane gave the app no usable answer. */
export interface ControlPlaneProblem {
  reason: Extract<ReasonCode, 'token-refused' | 'token-missing' | 'control-plane-down' | 'control-plane-unreachable'>;
  /** The underlying error's words, for the details line. */
  detail: string;
}

/** The agent's status file (PROTOCOL §5), as read through Docker. */
export interface AgentStatusFile {
  instance_id: string;
  run_id: string;
  registered_at: string | null;
  last_attempt_at: string | null;
  last_success_at: string | null;
  consecutive_failures: number;
  last_error: string | null;
  heartbeat_interval_s: number;
}

export type ContainerRunState = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

export interface ContainerFacts {
  id: string;
  state: ContainerRunState;
  exitCode?: number;
  /** ms since the epoch */
  startedAt?: number;
  /** Docker's OOMKilled flag: the most common crash a user can fix. */
  oomKilled?: boolean;
  /** The Lua module it runs, from its label (open-agent or api7). */
  module?: 'open-agent' | 'api7';
  /** The host ports it publishes, by role (http, https, control, prometheus). */
  publishedPorts?: Record<string, number>;
}

/** PROTOCOL §3 statuses, judged by the control plane. */
export type InstanceStatus = 'Healthy' | 'Only Heartbeats' | 'Lost Connection' | 'Offline';

export interface InstanceFacts {
  status: InstanceStatus;
  registerTime?: string;
  lastSeenTime?: string;
}

export interface CertificateFacts {
  notAfter: number;
  notBefore: number;
  needsRenewal: boolean;
}

/** Everything the status model is built from. `undefined` means "not known yet". */
export interface StatusInputs {
  now: number;
  profile: string;
  engine: { ready: boolean; reason?: string; endpoint?: string };
  /** null: no container of ours exists. */
  container: ContainerFacts | null | undefined;
  agent: AgentStatusFile | null | undefined;
  /** 'unreachable': the control plane did not answer the last poll. null: it has no record. */
  instance: InstanceFacts | null | 'unreachable' | undefined;
  /** With instance 'unreachable': why. */
  controlPlaneProblem?: ControlPlaneProblem;
  certificate: CertificateFacts | null | undefined;
  instanceId?: string;
  ports?: Record<string, number>;
  /** A launch in progress, with its current stage. */
  launching?: { stage: string };
  /** How long a running gateway may take to register before that is a problem. */
  registerGraceMs?: number;
  /** The local control plane this process should host could not start (the app's, not the gateway's). */
  hostProblem?: string;
}
