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
import {
  addProfileSchema,
  appSettingsPatchSchema,
  checkPortsSchema,
  componentIdSchema,
  routeInputSchema,
  updateProfileSchema,
  type AppSettings,
} from './ipc-arg-schemas.ts';
import { image, noArgs, profileName, routeId, tokenSchema } from './ipc-field-schemas.ts';
import type {
  ApiCallsPoint,
  AppInfo,
  ComponentStateView,
  EngineCheck,
  HeartbeatPoint,
  LaunchOutcome,
  LaunchProgressEvent,
  LogLineView,
  PortReportView,
  PortRoleName,
  ProfileView,
  RecalledProfileView,
  RouteProbeView,
  RouteView,
  StatusSnapshot,
} from './ipc-result-types.ts';
import { ContractError } from './error-envelope.ts';

// The argument schemas and result types live beside this file, one concern each; this file declares the
// channels, and re-exports them so that every side imports the contract from here alone.
export * from './ipc-arg-schemas.ts';
export * from './ipc-result-types.ts';

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
