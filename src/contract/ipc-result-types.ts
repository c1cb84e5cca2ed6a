/**
 * What the IPC contract's requests resolve to and its events carry: plain data, so that it crosses
 * Electron's structured clone and the web bridge's JSON alike. Part of the one IPC contract
 * (ipc-contract.ts), which re-exports all of it.
 */
import type { GatewayStatus } from '../core/status/gateway-status.ts';
import type { ComponentSnapshot } from '../core/supervisor/component-snapshot.ts';
import type { ModuleKind } from '../core/module/module-setting.ts';
import type { AppSettings } from './ipc-arg-schemas.ts';
import type { ErrorInfo } from './error-envelope.ts';

export interface StatusSnapshot {
  status: GatewayStatus;
  profile: ProfileView;
  /** The gateway's proxy URL on this machine, e.g. http://127.0.0.1:9080: the running container's published port, else the saved one. */
  gatewayUrl: string;
  /**
   * The host ports the running container really publishes (absent when none runs). They differ from
   * `profile.ports` after an edit: saved ports apply at the next launch.
   */
  publishedPorts?: Partial<Record<'http' | 'https' | 'control' | 'prometheus', number>>;
  /** A launch in progress, with its latest stage. */
  launching?: LaunchProgressEvent;
  /** The last launch failed: what and at which stage, so the wizard can offer a retry. */
  lastLaunchError?: ErrorInfo & { stage?: string };
  settings: AppSettings;
}

export interface ProfileView {
  name: string;
  kind: 'local' | 'cloud';
  apiUrl?: string;
  image: string;
  ports: { proxyHttp: number; proxyHttps: number; control: number; prometheus: number };
  /** The module setting: auto, open-agent, api7 or a module tarball URL. */
  module: string;
  isDefault: boolean;
  /** Cloud profiles: whether a token is stored (the token itself never leaves the core). */
  hasToken?: boolean;
}

/**
 * What a profile of this name was before it was removed, or what a gateway container of that profile
 * still left in Docker holds: adding it again starts from these instead of the defaults.
 */
export interface RecalledProfileView {
  name: string;
  source: 'removed' | 'container';
  kind?: 'local' | 'cloud';
  apiUrl?: string;
  image: string;
  ports: ProfileView['ports'];
  module?: string;
  /** source `removed`: when, RFC 3339. */
  removedAt?: string;
  /** source `container`: its name, and whether it runs. */
  containerName?: string;
  running?: boolean;
}

export interface EngineCheck {
  ok: boolean;
  /** The endpoint that was chosen, and why (explicit setting, DOCKER_HOST, context, candidate). */
  endpoint: string;
  reason: string;
  version?: string;
  problem?: string;
  /** What to do when it is not ok. */
  fixHint?: string;
}

export interface LaunchStageView {
  id: string;
  title: string;
}

/** One layer of an image pull: `present` was already on this machine. */
export interface PullLayerView {
  id: string;
  state: 'waiting' | 'downloading' | 'downloaded' | 'extracting' | 'done' | 'present';
  currentBytes: number;
  totalBytes: number;
  extractPercent: number;
}

export interface LaunchProgressEvent {
  stage: string;
  status: 'start' | 'progress' | 'done' | 'skipped';
  message: string;
  pull?: { percent: number; currentBytes: number; totalBytes: number; layers: { total: number; done: number }; perLayer?: PullLayerView[] };
  /** API7's module being downloaded; totalBytes is 0 when the server sent no length. */
  download?: { percent: number; currentBytes: number; totalBytes: number };
}

export interface LaunchOutcome {
  adopted: boolean;
  containerId: string;
  instanceId: string;
  image: string;
  /** The Lua module the gateway runs. */
  module?: ModuleKind;
  registeredAt?: string;
  durationMs: number;
}

export type RouteApplied = 'applied' | 'pending' | 'unknown';
export interface RouteView {
  id: string;
  path: string;
  upstream: string;
  name?: string;
  applied: RouteApplied;
  /** Removed on the control plane, not yet dropped by the gateway. */
  removing?: boolean;
}

export interface RouteProbeView {
  status?: number;
  /** The gateway answered 502, 503 or 504: the upstream cannot be reached from the container. */
  upstreamFails: boolean;
  problem?: string;
  at: string;
}

export interface LogLineView {
  stream: 'stdout' | 'stderr';
  line: string;
}

export interface HeartbeatPoint {
  /** When the control plane saw it (RFC 3339). */
  at: string;
  status: string;
}

export interface ApiCallsPoint {
  at: string;
  /** Requests counted between this heartbeat and the previous one. */
  calls: number;
  /** Of those, how many per HTTP status code, when the control plane keeps them. */
  byStatus?: Record<string, number>;
}

/** Where one port stands (checkPorts); `suggestion` is a free port to take instead of one in use. */
export type PortReportView = ({ state: 'free' } | { state: 'own' } | { state: 'profile'; profile: string } | { state: 'process' }) & { port: number; suggestion?: number };
export type PortRoleName = keyof ProfileView['ports'];

/** etcd and the control plane as the home's supervisor sees them (state, reason, pid or container, port, log). */
export type ComponentStateView = ComponentSnapshot;

export interface AppInfo {
  version: string;
  /** 'electron' or 'web'. */
  transport: string;
  platform: string;
  stages: LaunchStageView[];
}
