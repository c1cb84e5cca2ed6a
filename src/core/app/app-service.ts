import { readFileSync } from 'node:fs';
import type { EventName, EventSink, HandlerTable, LaunchProgressEvent, PayloadOf, StatusSnapshot } from '../../contract/ipc-contract.ts';
import { toErrorInfo, type ErrorInfo } from '../../contract/ipc-contract.ts';
import { gatewayTrayHome } from '../config/home.ts';
import { chooseSecretStore } from '../credentials/choose-secret-store.ts';
import { ProfileStore } from '../credentials/profile-store.ts';
import type { SecretStore } from '../credentials/secret-store.ts';
import { openLocalEngine } from '../engine/engine.ts';
import { resolveEtcdImage } from '../gateway/etcd-image.ts';
import { readInstanceId } from '../gateway/instance-lookup.ts';
import type { GatewayStatus } from '../status/gateway-status.ts';
import { AppSettingsStore } from './app-settings.ts';
import { GatewayActions } from './gateway-actions.ts';
import { InstanceSampler } from './instance-sampler.ts';
import { openLiveSession, type LiveSession } from './live-session.ts';
import { hostLocalControlPlane, type HostedControlPlane } from './local-control-plane-host.ts';
import { LogFollows } from './log-follows.ts';
import { ProfileActions, profileView } from './profiles.ts';
import { RouteActions } from './route-actions.ts';

export interface AppServiceOptions {
  env?: NodeJS.ProcessEnv;
  /** 'electron' or 'web', shown in the About line. */
  transport: string;
  /** The app's secret store; the shell passes one built on Electron's safeStorage. */
  secrets?: SecretStore;
  /** etcd for the embedded control plane; when absent the app's own etcd is started or reused. */
  etcdUrl?: string;
  /** The etcd image (`--etcd-image`), should etcd have to run as a container; beats the env var and the setting. */
  etcdImage?: string;
  /** Host the local control plane in this process (default true), as the desktop app does. */
  hostControlPlane?: boolean;
  /** Extra labels on containers this service creates (tests mark theirs for cleanup). */
  labels?: Record<string, string>;
  log?: (line: string) => void;
  /** Poll cadences; the defaults suit the app. */
  pollMs?: number;
}

export interface AppService {
  handlers: HandlerTable;
  /** Adds a place to send events to (a window, a socket hub); returns its removal. */
  subscribe(sink: EventSink): () => void;
  /** A caller went away (window closed, socket dropped): its log follows stop. */
  releaseClient(clientId: string): void;
  /** The latest status, for the tray. */
  currentStatus(): GatewayStatus | undefined;
  /** Re-checks everything at once (resume from sleep, screen unlocked). */
  probeNow(): Promise<void>;
  readonly settings: AppSettingsStore;
  dispose(): Promise<void>;
}

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

/**
 * The app behind every IPC channel, transport-free: Electron's IPC and the web bridge both call its
 * handler table and forward its events. It hosts the local control plane (as the desktop app does),
 * keeps one live session for the default profile, and re-opens it when the profile changes.
 */
export async function createAppService(opts: AppServiceOptions): Promise<AppService> {
  const env = opts.env ?? process.env;
  const home = gatewayTrayHome(env);
  const log = opts.log ?? (() => undefined);
  const secrets = opts.secrets ?? (await chooseSecretStore({ home, env })).store;
  const settings = new AppSettingsStore(home);
  for (const n of settings.takeNotices()) log(n.message);
  const sinks = new Set<EventSink>();
  const emit = <E extends EventName>(name: E, payload: PayloadOf<E>): void => {
    for (const sink of sinks) {
      try {
        sink(name, payload);
      } catch (err) {
        log(`an event sink failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  };
  const now = () => ({ at: Date.now() });

  let hosted: HostedControlPlane | undefined;
  let controlPlaneProblem: string | undefined;
  const hostControlPlane = async (): Promise<void> => {
    if (opts.hostControlPlane === false || hosted) return;
    try {
      const etcdImage = resolveEtcdImage({ flag: opts.etcdImage, setting: settings.get().etcdImage, env });
      hosted = await hostLocalControlPlane({ home, env, engine: openLocalEngine({ env }).engine, ...(opts.etcdUrl ? { etcdUrl: opts.etcdUrl } : {}), etcdImage, log });
      controlPlaneProblem = undefined;
    } catch (err) {
      controlPlaneProblem = err instanceof Error ? err.message : String(err);
      log(controlPlaneProblem);
    }
  };

  let live: LiveSession | undefined;
  let sampler: InstanceSampler | undefined;
  let opening: Promise<LiveSession> | undefined;
  const open = (): Promise<LiveSession> => {
    opening ??= (async () => {
      const next = await openLiveSession({ env, secrets, notice: log, onStatus: (s) => emit('statusChanged', { at: s.at }), ...(opts.pollMs ? { pollMs: opts.pollMs, instancePollMs: opts.pollMs } : {}) });
      const s = new InstanceSampler(
        { ...(next.client ? { client: next.client } : {}), clusterId: () => next.clusterId(), instanceId: () => readInstanceId(home, next.profile.name) },
        { metrics: () => emit('metricsChanged', now()), applied: () => emit('routesChanged', now()) },
        opts.pollMs ?? 2000,
      );
      s.start();
      live = next;
      sampler = s;
      return next;
    })().finally(() => (opening = undefined));
    return opening;
  };
  const current = async (): Promise<LiveSession> => live ?? (await open());
  const reopen = async (): Promise<LiveSession> => {
    await opening?.catch(() => undefined);
    live?.dispose();
    sampler?.stop();
    live = undefined;
    sampler = undefined;
    const next = await open();
    emit('statusChanged', now());
    emit('settingsChanged', now());
    return next;
  };

  const follows = new LogFollows((followId, lines, ended) => emit('logLines', { followId, lines, ...(ended ? { ended } : {}) }));
  let launching: LaunchProgressEvent | undefined;
  let lastLaunchError: (ErrorInfo & { stage?: string }) | undefined;
  const gateway = new GatewayActions({
    current,
    ...(opts.labels ? { labels: opts.labels } : {}),
    ensureControlPlane: async () => {
      await hostControlPlane();
      if (controlPlaneProblem) throw new Error(controlPlaneProblem);
      return reopen();
    },
    onProgress: (p) => {
      launching = p;
      emit('launchProgress', p);
    },
    onLaunchEnd: (err) => {
      launching = undefined;
      lastLaunchError = err === undefined ? undefined : { ...toErrorInfo(err), ...(typeof (err as { stage?: unknown }).stage === 'string' ? { stage: (err as { stage: string }).stage } : {}) };
      emit('statusChanged', now());
    },
    sample: async () => {
      await sampler?.sample();
    },
  });
  const profiles = new ProfileActions(() => new ProfileStore({ home }), secrets);
  const routes = new RouteActions({ current, sampler: () => sampler, changed: () => emit('routesChanged', now()) });

  const snapshot = async (): Promise<StatusSnapshot> => {
    const l = await current();
    const status = l.watcher.current ?? (await l.watcher.settled(5000)) ?? { state: 'starting', reasons: [], profile: l.profile.name, engine: { ready: false }, at: Date.now() };
    const shown: GatewayStatus =
      controlPlaneProblem && l.profile.kind === 'local' && !launching
        ? { ...status, reasons: [...status.reasons, { code: 'control-plane-unavailable', message: controlPlaneProblem, action: 'retry' }] }
        : status;
    return {
      status: shown,
      profile: await profileView(l.profile, new ProfileStore({ home }).defaultName(), secrets),
      gatewayUrl: `http://127.0.0.1:${l.profile.ports.proxyHttp}`,
      ...(launching ? { launching } : {}),
      ...(lastLaunchError ? { lastLaunchError } : {}),
      settings: settings.get(),
    };
  };

  const changedProfiles = async <T>(result: T): Promise<T> => {
    await reopen();
    return result;
  };

  const handlers: HandlerTable = {
    getInfo: async () => ({ version: packageVersion(), transport: opts.transport, platform: process.platform, stages: GatewayActions.stages() }),
    getStatus: () => snapshot(),
    refreshStatus: async () => {
      await (await current()).watcher.probeNow();
      return snapshot();
    },
    checkEngine: async () => gateway.checkEngine(),
    launch: async (arg) => gateway.launch(arg?.image),
    stop: async () => gateway.stop(),
    restart: async () => gateway.restart(),
    renewCertificate: async () => gateway.renew(),
    listProfiles: () => profiles.list(),
    addProfile: async (arg) => changedProfiles(await profiles.add(arg)),
    updateProfile: async (arg) => changedProfiles(await profiles.update(arg)),
    removeProfile: async (arg) => changedProfiles(await profiles.remove(arg.name)),
    useProfile: async (arg) => changedProfiles(await profiles.use(arg.name)),
    listRoutes: () => routes.list(),
    putRoute: (arg) => routes.put(arg),
    deleteRoute: (arg) => routes.remove(arg.id),
    tailLogs: async (arg) => gateway.tailLogs(arg.lines),
    followLogs: async (arg, caller) => ({ followId: follows.follow((await current()).session.engine, await gateway.containerId(), caller.clientId, arg.tail) }),
    unfollowLogs: async (arg) => ({ stopped: follows.stop(arg.followId) }),
    getSettings: async () => settings.get(),
    updateSettings: async (arg) => {
      const next = settings.update(arg);
      emit('settingsChanged', now());
      emit('statusChanged', now());
      return next;
    },
    heartbeatTimeline: async () => sampler?.heartbeats() ?? [],
    apiCallsSeries: async () => sampler?.apiCalls() ?? [],
  };

  await hostControlPlane();
  await open().catch((err: unknown) => log(`could not open the default profile yet: ${err instanceof Error ? err.message : String(err)}`));

  return {
    handlers,
    subscribe(sink) {
      sinks.add(sink);
      return () => sinks.delete(sink);
    },
    releaseClient: (clientId) => follows.release(clientId),
    currentStatus: () => live?.watcher.current,
    probeNow: async () => {
      await live?.watcher.probeNow();
      await sampler?.sample();
    },
    settings,
    async dispose() {
      follows.stopAll();
      sampler?.stop();
      live?.dispose();
      sinks.clear();
      await hosted?.stop();
      hosted = undefined;
    },
  };
}
