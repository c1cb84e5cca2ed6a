/**
 * The one IPC contract of Gateway Tray: every request channel (renderer → main, invoke-style), its
 * argument schema and result type, every event and its payload, and the error envelope. Electron's
 * main process, the preload, the web bridge and the renderer all import this file; channel strings are
 * derived here from the names and written nowhere else.
 *
 * Events invalidate, snapshots inform: an event says that something changed, and the renderer re-reads
 * the snapshot (getStatus, listRoutes, …), so a missed event or a reloaded window is harmless.
 */
import { z } from 'zod';
import type { GatewayStatus } from '../core/status/gateway-status.ts';
import type { ComponentSnapshot } from '../core/supervisor/component-snapshot.ts';
import { moduleSettingSchema, type ModuleKind } from '../core/module/module-setting.ts';
import { imageRefSchema } from '../core/gateway/etcd-image-ref.ts';
import { ContractError, type ErrorInfo } from './error-envelope.ts';

/** The module setting's rules, for the renderer to check a URL as it is typed (the core checks again). */
export { MODULE_KEYWORDS, moduleSettingSchema } from '../core/module/module-setting.ts';

// ---------------------------------------------------------------------------------------------- shapes

const PORT_MESSAGE = 'a port is a whole number from 1 to 65535';
const port = z.number({ error: PORT_MESSAGE }).int(PORT_MESSAGE).min(1, PORT_MESSAGE).max(65535, PORT_MESSAGE);
/** Messages say what to type, field by field (the UI shows them beside the field). */
const apiUrlSchema = z.url({ error: 'a control-plane address is a URL such as https://cp.example.com' }).max(2048);
const tokenSchema = z.string({ error: 'paste the access token' }).min(1, 'paste the access token').max(8192, 'an access token is at most 8192 characters');
const profileName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'a profile name is 1 to 32 lowercase letters, digits and "-"');
/** A Docker image reference; the core checks the full grammar again before it is stored. */
const image = z.string().min(1).max(255).regex(/^[A-Za-z0-9][A-Za-z0-9._:/@-]*$/, 'an image is a Docker reference such as apache/apisix:3.13.0-debian');

export const portsInput = z
  .object({ proxyHttp: port.optional(), proxyHttps: port.optional(), control: port.optional(), prometheus: port.optional() })
  .strict();

export const themeSchema = z.enum(['system', 'light', 'dark']);
export const quitBehaviourSchema = z.enum(['stop-gateway', 'leave-running']);
export const notificationKindSchema = z.enum(['crashed', 'heartbeat-lost', 'recovered', 'cert-expiring']);
export type Theme = z.infer<typeof themeSchema>;
export type QuitBehaviour = z.infer<typeof quitBehaviourSchema>;
export type NotificationKind = z.infer<typeof notificationKindSchema>;
export const NOTIFICATION_KINDS = notificationKindSchema.options;

/** App preferences (not profiles): what the Settings page edits besides profiles. */
// Defined in the lower core, which must not import the contract (ARCHITECTURE.md).
export { DEFAULT_ETCD_IMAGE, imageRefSchema } from '../core/gateway/etcd-image-ref.ts';

export const appSettingsSchema = z
  .object({
    onboarded: z.boolean(),
    theme: themeSchema,
    quitBehaviour: quitBehaviourSchema,
    autostart: z.boolean(),
    notifications: z.object({ enabled: z.boolean(), muted: z.array(notificationKindSchema) }).strict(),
    /** The etcd image for the embedded control plane when no etcd binary is installed; absent: the built-in default. */
    etcdImage: imageRefSchema.optional(),
  })
  .strict();
export type AppSettings = z.infer<typeof appSettingsSchema>;

export const appSettingsPatchSchema = z
  .object({
    onboarded: z.boolean().optional(),
    theme: themeSchema.optional(),
    quitBehaviour: quitBehaviourSchema.optional(),
    autostart: z.boolean().optional(),
    notifications: z.object({ enabled: z.boolean().optional(), muted: z.array(notificationKindSchema).max(4).optional() }).strict().optional(),
    /** An empty string goes back to the built-in default. */
    etcdImage: z.union([z.literal(''), imageRefSchema]).optional(),
  })
  .strict();
export type AppSettingsPatch = z.infer<typeof appSettingsPatchSchema>;

/** An upstream the user types: `host:port` or `http://host:port`. */
export const upstreamSchema = z
  .string()
  .trim()
  .max(300)
  .regex(/^(https?:\/\/)?[A-Za-z0-9.-]+(:\d{1,5})?\/?$|^(https?:\/\/)?\[[0-9a-fA-F:.]+\](:\d{1,5})?\/?$/, 'an upstream is host:port or http://host:port');

export const routeInputSchema = z
  .object({
    path: z.string().trim().startsWith('/', 'a path starts with "/"').max(4096).regex(/^\/[^\s]*$/, 'a path has no spaces'),
    upstream: upstreamSchema,
    name: z.string().max(256).optional(),
  })
  .strict();
export type RouteInput = z.infer<typeof routeInputSchema>;

const routeId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a route id is 1-64 letters, digits, "_" or "-"');
const noArgs = z.undefined();

export const addProfileSchema = z.discriminatedUnion('kind', [
  z.object({ name: profileName, kind: z.literal('local'), image: image.optional(), ports: portsInput.optional(), module: moduleSettingSchema.optional() }).strict(),
  z
    .object({
      name: profileName,
      kind: z.literal('cloud'),
      apiUrl: apiUrlSchema,
      /** Goes to the secret store, never into settings, logs or events. */
      token: tokenSchema,
      image: image.optional(),
      ports: portsInput.optional(),
      /** auto, open-agent, api7 or a module tarball URL (src/core/module/module-setting.ts). */
      module: moduleSettingSchema.optional(),
    })
    .strict(),
]);
export type AddProfileArg = z.infer<typeof addProfileSchema>;

export const updateProfileSchema = z
  .object({
    name: profileName,
    image: image.optional(),
    ports: portsInput.optional(),
    apiUrl: apiUrlSchema.optional(),
    token: tokenSchema.optional(),
    module: moduleSettingSchema.optional(),
  })
  .strict();
export type UpdateProfileArg = z.infer<typeof updateProfileSchema>;

// --------------------------------------------------------------------------------------- result types

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

export const checkPortsSchema = z
  .object({ name: profileName, ports: z.object({ proxyHttp: port, proxyHttps: port, control: port, prometheus: port }).strict() })
  .strict();

/** etcd and the control plane as the home's supervisor sees them (state, reason, pid or container, port, log). */
export type ComponentStateView = ComponentSnapshot;
export const componentIdSchema = z.enum(['etcd', 'control-plane'], { error: 'a component is etcd or control-plane' });

export interface AppInfo {
  version: string;
  /** 'electron' or 'web'. */
  transport: string;
  platform: string;
  stages: LaunchStageView[];
}

// ------------------------------------------------------------------------------------------ invokes

/** A request channel: its argument schema, and its result type carried as a phantom. */
export interface InvokeDef<A extends z.ZodType, R> {
  arg: A;
  readonly _result?: R;
}
const invoke = <R>() => <A extends z.ZodType>(arg: A): InvokeDef<A, R> => ({ arg });

export const INVOKES = {
  getInfo: invoke<AppInfo>()(noArgs),
  getStatus: invoke<StatusSnapshot>()(noArgs),
  refreshStatus: invoke<StatusSnapshot>()(noArgs),
  checkEngine: invoke<EngineCheck>()(noArgs),
  launch: invoke<LaunchOutcome>()(z.object({ image: image.optional() }).strict().optional()),
  /** Aborts the launch under way; what it had made is rolled back. False when no launch was running. */
  cancelLaunch: invoke<{ cancelled: boolean }>()(noArgs),
  stop: invoke<{ stopped: string[] }>()(noArgs),
  restart: invoke<{ containerId: string }>()(noArgs),
  renewCertificate: invoke<{ notAfter: string; restarted: boolean }>()(noArgs),
  listProfiles: invoke<ProfileView[]>()(noArgs),
  addProfile: invoke<ProfileView>()(addProfileSchema),
  updateProfile: invoke<ProfileView>()(updateProfileSchema),
  /** A new token for an existing cloud profile (revoked, or lost with a damaged secrets file); checked before it is kept. */
  setProfileToken: invoke<ProfileView>()(z.object({ name: profileName, token: tokenSchema }).strict()),
  /** Refuses while the profile's gateway runs, unless `stopGateway` says to stop and remove it first. */
  removeProfile: invoke<{ defaultProfile: string; removedContainers: number }>()(z.object({ name: profileName, stopGateway: z.boolean().optional() }).strict()),
  /** The settings a profile of this name had (removed, or a container of it still there); none when it is new. */
  recallProfile: invoke<{ recalled?: RecalledProfileView }>()(z.object({ name: profileName }).strict()),
  /** Each port's state (free, this profile's gateway, another profile's running gateway, another process), with a free one to take instead. */
  checkPorts: invoke<Record<PortRoleName, PortReportView>>()(checkPortsSchema),
  useProfile: invoke<ProfileView>()(z.object({ name: profileName }).strict()),
  listRoutes: invoke<RouteView[]>()(noArgs),
  putRoute: invoke<RouteView>()(routeInputSchema),
  deleteRoute: invoke<{ id: string }>()(z.object({ id: routeId }).strict()),
  /** One request through the gateway to the route's path: does its upstream answer? */
  probeRoute: invoke<RouteProbeView>()(z.object({ path: routeInputSchema.shape.path }).strict()),
  tailLogs: invoke<LogLineView[]>()(z.object({ lines: z.number().int().min(1).max(5000) }).strict()),
  followLogs: invoke<{ followId: string }>()(z.object({ tail: z.number().int().min(0).max(5000) }).strict()),
  unfollowLogs: invoke<{ stopped: boolean }>()(z.object({ followId: z.string().regex(/^[a-z0-9-]{1,64}$/) }).strict()),
  getSettings: invoke<AppSettings>()(noArgs),
  updateSettings: invoke<AppSettings>()(appSettingsPatchSchema),
  heartbeatTimeline: invoke<HeartbeatPoint[]>()(noArgs),
  apiCallsSeries: invoke<ApiCallsPoint[]>()(noArgs),
  /** The local control plane's components, checked now; empty for a cloud profile or when none is hosted. */
  components: invoke<ComponentStateView[]>()(noArgs),
  /** Restarts a component this app runs (its etcd), on the same port and data; refused, saying why, otherwise. */
  restartComponent: invoke<ComponentStateView>()(z.object({ id: componentIdSchema }).strict()),
} as const;

export type InvokeName = keyof typeof INVOKES;
export const INVOKE_NAMES = Object.keys(INVOKES) as InvokeName[];
export type ArgOf<N extends InvokeName> = z.input<(typeof INVOKES)[N]['arg']>;
export type ParsedArgOf<N extends InvokeName> = z.output<(typeof INVOKES)[N]['arg']>;
export type ResultOf<N extends InvokeName> = NonNullable<(typeof INVOKES)[N]['_result']>;

/** The IPC channel of a request; derived, so no channel string is written twice. */
export const invokeChannel = (name: InvokeName): string => `gateway-tray:invoke:${name}`;

export function isInvokeName(name: unknown): name is InvokeName {
  return typeof name === 'string' && Object.hasOwn(INVOKES, name);
}

/** Validates an argument against its channel's schema; throws a ContractError that says what is wrong. */
export function parseArg<N extends InvokeName>(name: N, arg: unknown): ParsedArgOf<N> {
  const parsed = INVOKES[name].arg.safeParse(arg);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
    throw new ContractError(`Invalid argument for ${name}: ${issues}`, 'bad-argument');
  }
  return parsed.data as ParsedArgOf<N>;
}

// ------------------------------------------------------------------------------------------- events

const event = <P>() => ({}) as { readonly _payload?: P };

export const EVENTS = {
  /** The status changed: re-read getStatus. */
  statusChanged: event<{ at: number }>(),
  /** A launch moved on a stage (or the pull progressed). */
  launchProgress: event<LaunchProgressEvent>(),
  /** New lines of a followed log. */
  logLines: event<{ followId: string; lines: LogLineView[]; ended?: boolean }>(),
  /** Routes, or the gateway's applied revision, changed: re-read listRoutes. */
  routesChanged: event<{ at: number }>(),
  /** Settings or profiles changed: re-read getSettings / listProfiles. */
  settingsChanged: event<{ at: number }>(),
  /** The heartbeat timeline or API-calls series grew. */
  metricsChanged: event<{ at: number }>(),
  /**
   * Something the app did by itself that the user should hear of (a toast): the local control plane moved
   * off a taken port and a gateway was recreated for it, or it now listens on the Docker bridge.
   */
  notice: event<{ at: number; message: string }>(),
} as const;

export type EventName = keyof typeof EVENTS;
export const EVENT_NAMES = Object.keys(EVENTS) as EventName[];
export type PayloadOf<E extends EventName> = NonNullable<(typeof EVENTS)[E]['_payload']>;
export const eventChannel = (name: EventName): string => `gateway-tray:event:${name}`;

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(EVENTS, name);
}

// ------------------------------------------------------------------------------------ the API shape

/** What the renderer calls: one named function per request, plus event subscriptions. */
export type GatewayTrayApi = {
  [N in InvokeName]: undefined extends ArgOf<N> ? (arg?: ArgOf<N>) => Promise<ResultOf<N>> : (arg: ArgOf<N>) => Promise<ResultOf<N>>;
} & {
  on<E extends EventName>(name: E, listener: (payload: PayloadOf<E>) => void): () => void;
};

/** Who is calling, as the transport knows it: follows and other per-caller state are released with it. */
export interface CallerContext {
  clientId: string;
}

/** The handlers behind every channel; Electron's IPC and the web bridge call the same table. */
export type HandlerTable = {
  [N in InvokeName]: (arg: ParsedArgOf<N>, caller: CallerContext) => Promise<ResultOf<N>>;
};

/** Where the app service sends events; each transport forwards them to its windows or sockets. */
export type EventSink = <E extends EventName>(name: E, payload: PayloadOf<E>) => void;

// ----------------------------------------------------------------------------------- error envelope

export * from './error-envelope.ts';
