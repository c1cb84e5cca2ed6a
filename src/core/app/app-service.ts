import { readFileSync } from 'node:fs';
import type { EventName, EventSink, HandlerTable, LaunchProgressEvent, PayloadOf, StatusSnapshot } from '../../contract/ipc-contract.ts';
import { toErrorInfo, type ErrorInfo } from '../../contract/ipc-contract.ts';
import { gatewayTrayHome } from '../config/home.ts';
import { openHomeSecretStore } from '../credentials/home-secret-store.ts';
import type { SafeStorageLike } from '../credentials/safe-storage-secret-store.ts';
import { ProfileStore } from '../credentials/profile-store.ts';
import type { SecretStore } from '../credentials/secret-store.ts';
import { openLocalEngine } from '../engine/engine.ts';
import { afterNextHeartbeat, HEARTBEAT_WAIT_MS } from '../gateway/after-next-heartbeat.ts';
import { AutoRenewer } from '../gateway/auto-renew.ts';
import { resolveEtcdImage } from '../gateway/etcd-image.ts';
import { retireProfileCertificates } from '../gateway/retire-profile.ts';
import { readInstanceId } from '../gateway/instance-lookup.ts';
import type { GatewayStatus } from '../status/gateway-status.ts';
import { AppSettingsStore } from './app-settings.ts';
import { GatewayActions } from './gateway-actions.ts';
import { LaunchTurns } from './launch-turns.ts';
import { InstanceSampler } from './instance-sampler.ts';
import { openLiveSession, type LiveSession } from './live-session.ts';
import { hostLocalControlPlane, type HostedControlPlane } from './local-control-plane-host.ts';
import { LogFollows } from './log-follows.ts';
import { ProfileGateways } from './profile-gateways.ts';
import { ProfileActions, profileView } from './profiles.ts';
import { RemovedProfiles } from './removed-profiles.ts';
import { RouteActions } from './route-actions.ts';
import { probeRoute } from './route-probe.ts';

export interface AppServiceOptions {
  env?: NodeJS.ProcessEnv;
  /** 'electron' or 'web', shown in the About line. */
  transport: string;
  /** The home's one secret store; opened from the home (openHomeSecretStore) when absent. */
  secrets?: SecretStore;
  /** Electron's safeStorage, only to move tokens an older app kept with it into the home's store. */
  safeStorage?: SafeStorageLike;
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
  /** After a failed automatic renewal, wait this long before the next (default 5 min). */
  renewRetryMs?: number;
  /** How long the control plane waits for a remembered port that is taken before it moves (default 10 s). */
  portWaitMs?: number;
}

/** While a window or page is open, the instance record is read this often: the dashboard draws each heartbeat. */
const WATCHED_INSTANCE_POLL_MS = 2000;

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
  /**
   * A window or page is open: the status is followed closely (status file, dashboard) until the returned
   * release is called. With nobody looking, the tray still gets every state change, at far less cost.
   */
  look(): () => void;
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
  // The composition root: one secret store for this home, handed to the profiles, every session
  // (launch, renew, the watcher) and removal, so the app and the CLI always see the same tokens.
  const secrets = opts.secrets ?? (await openHomeSecretStore({ home, env, log, ...(opts.safeStorage ? { safeStorage: opts.safeStorage } : {}) })).store;
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
  // One launch at a time per profile: the user's, and the control plane's recreate of a stale gateway.
  const turns = new LaunchTurns();
  const unheardNotices: PayloadOf<'notice'>[] = [];
  let controlPlaneProblem: string | undefined;
  const hostControlPlane = async (): Promise<void> => {
    if (opts.hostControlPlane === false || hosted) return;
    try {
      const etcdImage = resolveEtcdImage({ flag: opts.etcdImage, setting: settings.get().etcdImage, env });
      hosted = await hostLocalControlPlane({
        home,
        env,
        engine: openLocalEngine({ env }).engine,
        ...(opts.etcdUrl ? { etcdUrl: opts.etcdUrl } : {}),
        etcdImage,
        ...(opts.labels ? { labels: opts.labels } : {}),
        ...(opts.portWaitMs !== undefined ? { portWaitMs: opts.portWaitMs } : {}),
        turns,
        log,
        componentChanged: () => emit('statusChanged', now()),
        // A moved port, a recreated gateway, the bridge listened on: toasts, and a fresh status.
        notice: (message) => {
          const payload = { at: Date.now(), message };
          // Said while the app starts, before any window listens: kept for the first one that does.
          if (sinks.size === 0 && unheardNotices.push(payload) > 20) unheardNotices.shift();
          emit('notice', payload);
          emit('statusChanged', now());
        },
      });
      controlPlaneProblem = undefined;
    } catch (err) {
      controlPlaneProblem = err instanceof Error ? err.message : String(err);
      log(controlPlaneProblem);
    }
  };

  let live: LiveSession | undefined;
  /** Whether the watchers saw Docker answer, last time; undefined before the first status. */
  let engineReady: boolean | undefined;
  let sampler: InstanceSampler | undefined;
  let opening: Promise<LiveSession> | undefined;
  // Who looks outlives a session: a profile switch re-opens the watcher, the open windows stay.
  let lookers = 0;
  let releaseLook: (() => void) | undefined;
  const open = (): Promise<LiveSession> => {
    opening ??= (async () => {
      const next = await openLiveSession({
        env,
        secrets,
        notice: log,
        onStatus: (s) => emit('statusChanged', { at: s.at }),
        instancePollMs: opts.pollMs ?? WATCHED_INSTANCE_POLL_MS,
        ...(opts.pollMs ? { pollMs: opts.pollMs, idleInstancePollMs: opts.pollMs } : {}),
        // Every hosting attempt is followed by an open, so the watcher always has the latest word.
        ...(controlPlaneProblem ? { hostProblem: controlPlaneProblem } : {}),
      });
      const s = new InstanceSampler(
        { ...(next.client ? { client: next.client } : {}), clusterId: () => next.clusterId(), instanceId: () => readInstanceId(home, next.profile.name) },
        { metrics: () => emit('metricsChanged', now()), applied: () => emit('routesChanged', now()) },
      );
      next.watcher.on('instance', (record) => s.observe(record));
      // The certificate renews itself within its last third of life, when the profile allows it.
      next.watcher.on('status', (status) => {
        if (live === next && !launching) void renewer.onStatus(status);
        // Docker came (back): the control plane listens on its bridge and puts stale gateways right.
        if (status.engine.ready && engineReady === false) void hosted?.engineAvailable();
        // The config centre is down: the supervisor looks at once rather than at its slow pace.
        if (status.reasons.some((r) => r.code === 'config-centre-down' || r.reason === 'config-centre-down')) void hosted?.components({ check: true });
        engineReady = status.engine.ready;
      });
      releaseLook = lookers > 0 ? next.watcher.look() : undefined;
      live = next;
      sampler = s;
      return next;
    })().finally(() => (opening = undefined));
    return opening;
  };
  const look = (): (() => void) => {
    lookers += 1;
    if (lookers === 1 && live) releaseLook = live.watcher.look();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      lookers -= 1;
      if (lookers === 0) {
        releaseLook?.();
        releaseLook = undefined;
      }
    };
  };
  const current = async (): Promise<LiveSession> => live ?? (await open());
  const reopen = async (): Promise<LiveSession> => {
    await opening?.catch(() => undefined);
    live?.dispose();
    sampler?.stop();
    live = undefined;
    sampler = undefined;
    releaseLook = undefined;
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
    turns,
    ...(opts.labels ? { labels: opts.labels } : {}),
    ensureControlPlane: async () => {
      await hostControlPlane();
      if (live?.profile.kind === 'local') live.watcher.setHostProblem(controlPlaneProblem);
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
  const renewer = new AutoRenewer({
    // A local profile's control plane run by another process (the CLI's background one) renews that
    // profile's gateways itself; two renewers of one gateway would each restart it.
    enabled: () => live?.profile.options.autoRenewCert === true && !(live.profile.kind === 'local' && hosted?.inProcess === false),
    renew: async () => {
      // Restart right after a heartbeat, so that the renewal pauses heartbeats by the restart's length
      // only, not by up to one more interval (the moment it fell due is anywhere in the cycle).
      const l = await current();
      const instanceId = readInstanceId(home, l.profile.name);
      if (instanceId) await afterNextHeartbeat(l.session.context(), instanceId, HEARTBEAT_WAIT_MS).catch(() => undefined);
      await gateway.renew();
    },
    afterRenew: () => emit('statusChanged', now()),
    log,
    ...(opts.renewRetryMs !== undefined ? { retryAfterMs: opts.renewRetryMs } : {}),
  });
  const profiles = new ProfileActions(() => new ProfileStore({ home }), secrets, new RemovedProfiles(home));
  const gateways = new ProfileGateways(async () => (await current()).session.engine);
  const routes = new RouteActions({ current, sampler: () => sampler, changed: () => emit('routesChanged', now()) });

  const snapshot = async (): Promise<StatusSnapshot> => {
    const l = await current();
    // The watcher's snapshot as it is, the one the tray and `status` show too (host problem and
    // published ports included); nothing is added here, so the window cannot disagree with them.
    const status = l.watcher.current ?? (await l.watcher.settled(5000)) ?? { state: 'starting', reasons: [], profile: l.profile.name, engine: { ready: false }, at: Date.now() };
    const published = status.publishedPorts;
    return {
      status,
      profile: await profileView(l.profile, new ProfileStore({ home }).defaultName(), secrets),
      gatewayUrl: `http://127.0.0.1:${published?.http ?? l.profile.ports.proxyHttp}`,
      ...(published ? { publishedPorts: published } : {}),
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
    cancelLaunch: async () => gateway.cancelLaunch(),
    stop: async () => gateway.stop(),
    restart: async () => gateway.restart(),
    renewCertificate: async () => gateway.renew(),
    listProfiles: () => profiles.list(),
    addProfile: async (arg) => changedProfiles(await profiles.add(arg)),
    updateProfile: async (arg) => changedProfiles(await profiles.update(arg)),
    setProfileToken: async (arg) => changedProfiles(await profiles.setToken(arg.name, arg.token)),
    removeProfile: async (arg) => {
      new ProfileStore({ home }).get(arg.name); // an unknown name fails here, before any container is touched
      const removedContainers = await gateways.clearForRemoval(arg.name, arg.stopGateway === true);
      // While its token is still there: its certificates are revoked, so no copy can heartbeat as it.
      await retireProfileCertificates(arg.name, { env, secrets, log });
      return changedProfiles({ ...(await profiles.remove(arg.name)), removedContainers });
    },
    recallProfile: async (arg) => profiles.recallIn(arg.name, (await current()).session.engine),
    checkPorts: (arg) => gateways.checkPorts(arg.name, arg.ports),
    useProfile: async (arg) => changedProfiles(await profiles.use(arg.name)),
    listRoutes: () => routes.list(),
    putRoute: (arg) => routes.put(arg),
    deleteRoute: (arg) => routes.remove(arg.id),
    probeRoute: async (arg) => {
      const s = await snapshot();
      return probeRoute(s.publishedPorts?.http ?? s.profile.ports.proxyHttp, arg.path);
    },
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
    components: async () => (live?.profile.kind === 'cloud' ? [] : ((await hosted?.components({ check: true })) ?? [])),
    restartComponent: async (arg) => {
      if (!hosted) throw new Error(`No local control plane runs in this app${controlPlaneProblem ? `: ${controlPlaneProblem}` : ''}; launch the local profile first.`);
      const s = await hosted.restartComponent(arg.id);
      emit('statusChanged', now());
      return s;
    },
  };

  await hostControlPlane();
  await open().catch((err: unknown) => log(`could not open the default profile yet: ${err instanceof Error ? err.message : String(err)}`));

  return {
    handlers,
    subscribe(sink) {
      sinks.add(sink);
      for (const n of unheardNotices.splice(0)) sink('notice', n);
      return () => sinks.delete(sink);
    },
    releaseClient: (clientId) => follows.release(clientId),
    currentStatus: () => live?.watcher.current,
    probeNow: async () => {
      await live?.watcher.probeNow();
      await sampler?.sample();
    },
    look,
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
