import type { ControlPlaneClient } from '../cloud/client.ts';
import type { Engine } from '../engine/engine.ts';
import type { ThrottleClock } from '../engine/throttle.ts';
import type { ControlPlaneProblem } from './status-inputs.ts';

export interface StatusWatcherOptions {
  engine: Engine;
  home: string;
  profile: string;
  instanceName?: string;
  /** The profile's control plane; without one the instance record counts as unreachable. */
  client?: ControlPlaneClient;
  /** Why there is no client, when there is none (a missing token reads differently from a dead server). */
  controlPlaneProblem?: ControlPlaneProblem;
  clusterId?: string;
  ports?: Record<string, number>;
  /** Least time between two reads of the agent's status file (default: the agent's heartbeat interval, 10 s). */
  pollMs?: number;
  /** The control plane's instance record while somebody looks (default 5 s). */
  instancePollMs?: number;
  /**
   * The instance record while nobody looks. By default it is read when the gateway could first turn Lost
   * (its last heartbeat plus the lost threshold, so every 20–30 s while it heartbeats), and once per
   * heartbeat interval while the record cannot tell (no record, unreachable).
   */
  idleInstancePollMs?: number;
  /** The certificate on disk (default 5 min; a renewal restarts the container or calls probeNow). */
  certificatePollMs?: number;
  lostAfterMs?: number;
  registerGraceMs?: number;
  /** The local control plane this process hosts could not start; shown beside the gateway's state. */
  hostProblem?: string;
  now?: () => number;
  /** Timers, injected so tests can drive time by hand; the real ones by default. */
  clock?: ThrottleClock;
}
