import type { ReasonCode } from '../reasons/reason-codes.ts';
import type { ContainerRunState } from './status-inputs.ts';

/** The one snapshot the tray, the UI and `gateway-tray status` all show. */
export type OverallState = 'stopped' | 'starting' | 'healthy' | 'degraded' | 'lost' | 'error';

/** What the user can do about a reason; the shell and the UI map each to a button or menu item. */
export type StatusAction = 'launch' | 'restart' | 'stop' | 'renew-cert' | 'show-logs' | 'start-docker' | 'retry';

export interface StatusReason {
  /** Stable key, for tests, notifications and translations. */
  code: string;
  message: string;
  action?: StatusAction;
  /** The stable cause (shared with errors and CLI exit codes), where one applies. */
  reason?: ReasonCode;
}

export interface GatewayStatus {
  state: OverallState;
  reasons: StatusReason[];
  profile: string;
  engine: { ready: boolean; endpoint?: string };
  instanceId?: string;
  containerId?: string;
  /** Docker's state of that container: an Error with an exited container is not a running gateway. */
  containerState?: ContainerRunState;
  /** RFC 3339, from the control plane's record when it has one. */
  registeredAt?: string;
  lastHeartbeatAt?: string;
  certificateNotAfter?: string;
  /** The Lua module the gateway's container runs: Gateway Tray's open agent or API7's Cloud Lua Module. */
  module?: 'open-agent' | 'api7';
  /** The profile's ports, overridden by what the live container publishes. */
  ports?: Record<string, number>;
  /** What the live container really publishes, when there is one. */
  publishedPorts?: Record<string, number>;
  /** When this snapshot was made (ms since the epoch); ages are computed from it. */
  at: number;
}
