import type { ControlPlaneClient } from '../cloud/client.ts';
import type { Profile } from '../credentials/profile-schema.ts';
import type { Engine } from '../engine/engine.ts';
import type { PullProgress } from '../engine/types.ts';
import type { DownloadProgress } from '../module/download.ts';
import type { ModuleKind } from '../module/module-setting.ts';

/** The launch stages, in order; each is reported as it starts and ends. */
export const LAUNCH_STAGES = ['control-plane', 'preflight', 'resolve', 'certificate', 'module', 'files', 'image', 'container', 'register'] as const;
export type LaunchStage = (typeof LAUNCH_STAGES)[number];

export const STAGE_TITLES: Record<LaunchStage, string> = {
  'control-plane': 'Control plane',
  preflight: 'Pre-flight checks',
  resolve: 'Cluster and instance',
  certificate: 'Certificate and template',
  module: 'Gateway module',
  files: 'Instance files',
  image: 'Gateway image',
  container: 'Container',
  register: 'Registration',
};

export interface LaunchProgress {
  stage: LaunchStage;
  status: 'start' | 'progress' | 'done' | 'skipped';
  message: string;
  /** 0..100 while the image is pulled. */
  pull?: PullProgress;
  /** Bytes so far while API7's module is downloaded. */
  download?: DownloadProgress;
}

/** Everything a gateway operation needs: one profile, the engine and the profile's control plane. */
export interface GatewayContext {
  profile: Profile;
  engine: Engine;
  client: ControlPlaneClient;
  /** GATEWAY_TRAY_HOME. */
  home: string;
  /** One profile may run several gateways; each has a name (default "default"). */
  instanceName?: string;
  /** The agent folder mounted at /cloud_lua_module (default: assets/agent of this package). */
  agentDir?: string;
  platform?: NodeJS.Platform;
  /** Extra container labels (tests mark their containers for cleanup). */
  labels?: Record<string, string>;
  log?: (line: string) => void;
  /** For API7_CLOUD_LUA_MODULE_URL and GATEWAY_TRAY_AGENT_DIR (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

export interface LaunchOptions {
  /** Overrides the profile's image for this launch. */
  image?: string;
  /**
   * Host address the proxy ports (9080, 9443) are published on. 127.0.0.1 by default: a developer tool
   * does not expose the gateway to the LAN unless asked ("0.0.0.0").
   */
  proxyBindAddress?: string;
  /** How long to wait for the first heartbeat (default 60 s). */
  registerTimeoutMs?: number;
  onProgress?: (progress: LaunchProgress) => void;
  signal?: AbortSignal;
  /** Replace a running gateway instead of adopting it (a new image, or settings that need a new container). */
  recreate?: boolean;
}

export interface GatewayPorts {
  http: number;
  https: number;
  control: number;
  prometheus: number;
}

export interface LaunchResult {
  /** True when a running gateway was found and nothing was created. */
  adopted: boolean;
  containerId: string;
  containerName: string;
  instanceId: string;
  clusterId: string;
  image: string;
  /** The Lua module the gateway runs (its container label; absent for a container from before modules were chosen). */
  module?: ModuleKind;
  ports: GatewayPorts;
  registeredAt?: string;
  lastHeartbeatAt?: string;
  durationMs: number;
  /** What the user should know about this launch: a stale gateway recreated, an image that applies only after a relaunch. */
  notices?: string[];
}

export function portsOf(profile: Profile): GatewayPorts {
  return { http: profile.ports.proxyHttp, https: profile.ports.proxyHttps, control: profile.ports.control, prometheus: profile.ports.prometheus };
}
