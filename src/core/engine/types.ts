/** Shared types of the engine layer: endpoints, engine state, pull progress, containers, events. */

export type EndpointProtocol = 'unix' | 'npipe' | 'tcp';

export interface EndpointTls {
  /** Check the daemon's certificate against ca.pem (DOCKER_TLS_VERIFY); otherwise only encrypt. */
  verify: boolean;
  /** Folder holding ca.pem, cert.pem and key.pem, as DOCKER_CERT_PATH does. */
  certPath: string;
}

/** Where the Docker API answers. `url` is the canonical form shown to the user. */
export type EngineEndpoint =
  | { protocol: 'unix' | 'npipe'; url: string; socketPath: string }
  | { protocol: 'tcp'; url: string; host: string; port: number; tls?: EndpointTls };

export type DiscoverySource = 'setting' | 'DOCKER_HOST' | 'context' | 'candidate' | 'default';

export interface DiscoveryResult {
  endpoint: EngineEndpoint;
  source: DiscoverySource;
  /** Why this endpoint won, for the user: "DOCKER_HOST", "docker context 'colima'", "Colima socket found". */
  reason: string;
  /** Things the user may want to know, such as a current context whose metadata is missing. */
  notes: string[];
}

export interface EngineVersion {
  version: string;
  apiVersion: string;
  os: string;
  arch: string;
}

export type EngineState =
  | { status: 'ready'; endpoint: string; reason: string; engine: EngineVersion; since: Date }
  | { status: 'unavailable'; endpoint: string; reason: string; since: Date };

export type PullPhase = 'resolving' | 'downloading' | 'extracting' | 'done';

export interface PullProgress {
  phase: PullPhase;
  currentBytes: number;
  totalBytes: number;
  /** 0..100, never goes down, and 100 only when the pull is done. */
  percent: number;
  layers: { total: number; done: number };
  /** Each layer in the order Docker first named it: what the launch view shows a row for. */
  perLayer?: PullLayerProgress[];
}

/** `present`: already on this machine, nothing to fetch. */
export type PullLayerState = 'waiting' | 'downloading' | 'downloaded' | 'extracting' | 'done' | 'present';

export interface PullLayerProgress {
  /** Docker's short layer id (12 hex digits). */
  id: string;
  state: PullLayerState;
  /** Bytes downloaded so far, and the layer's size (0 when the registry did not say). */
  currentBytes: number;
  totalBytes: number;
  /** 0..100 of the extraction, while and after it runs. */
  extractPercent: number;
}

export interface PortBinding {
  containerPort: number;
  protocol?: 'tcp' | 'udp';
  hostPort: number;
  /** Host address to publish on, e.g. 127.0.0.1 for the Control API; all interfaces when absent. */
  hostIp?: string;
}

export interface BindMount {
  hostPath: string;
  containerPath: string;
  readOnly?: boolean;
}

export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead';

/** What the app needs to know about one of its containers. */
export interface ContainerInfo {
  id: string;
  name: string;
  image: string;
  /** The id of the image it was made from (`sha256:…`). */
  imageId?: string;
  status: ContainerStatus;
  running: boolean;
  exitCode?: number;
  /** When it last started (ms since the epoch), by the daemon's clock. */
  startedAt?: number;
  /** When its last run ended; while it runs, that is the run before this one. */
  finishedAt?: number;
  /** Docker killed it for running out of memory: the crash a user can most often fix. */
  oomKilled?: boolean;
  labels: Record<string, string>;
  instanceId?: string;
  profile?: string;
  ports: PortBinding[];
}

/** Docker's event types other than container ones, which are passed through as they come. */
export const OTHER_EVENT_TYPES = ['image', 'volume', 'network', 'daemon', 'plugin', 'service', 'node', 'secret', 'config', 'builder'] as const;

export interface ContainerEvent {
  type: 'container';
  action: string;
  containerId: string;
  name?: string;
  image?: string;
  labels: Record<string, string>;
  /** Carries our labels (io.gateway-tray.managed=true). */
  managed: boolean;
  instanceId?: string;
  profile?: string;
  exitCode?: number;
  time: Date;
}

export interface OtherEngineEvent {
  type: (typeof OTHER_EVENT_TYPES)[number];
  action: string;
  actorId: string;
  attributes: Record<string, string>;
  time: Date;
}

/** A Docker event, typed for containers (with our labels decoded) and passed through for the rest. */
export type EngineEvent = ContainerEvent | OtherEngineEvent;
