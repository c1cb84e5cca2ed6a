import type { DockerEngine } from '../engine/engine.ts';
import { bridgeGatewayAddress } from '../gateway/bridge-gateway.ts';
import type { PortMove } from '../gateway/control-plane-ports.ts';
import { startEmbeddedControlPlane, type EmbeddedControlPlane } from '../gateway/embedded-control-plane.ts';
import { GatewayError, messageOf } from '../gateway/errors.ts';
import { ensureLocalEtcd, stopLocalEtcd, type LocalEtcd } from '../gateway/etcd-process.ts';
import { locateLocalControlPlane, underStartLock } from '../gateway/local-control-plane.ts';
import { recreateStaleLocalGateways } from '../gateway/stale-gateways.ts';
import type { ComponentId, ComponentSnapshot } from '../supervisor/component-snapshot.ts';
import { watchedControlPlane } from '../supervisor/control-plane-component.ts';
import { supervisedEtcd, type SupervisedEtcd } from '../supervisor/etcd-component.ts';
import { HomeSupervisor } from '../supervisor/home-supervisor.ts';
import type { LaunchTurns } from './launch-turns.ts';

export interface HostedControlPlane {
  apiUrl: string;
  /** True when this process runs it (and stops it on dispose); false when another one already answered. */
  inProcess: boolean;
  /** Remembered ports that stayed taken, and where this control plane went instead (empty normally). */
  moved: PortMove[];
  /**
   * Docker answers (again): the data-plane endpoint also listens on the bridge address when it did not
   * (the app started while Docker was down), and gateways whose config names an old address are
   * re-rendered and recreated. Never throws; resolves what it told the user. A no-op when not in process.
   */
  engineAvailable(): Promise<string[]>;
  /** etcd and the control plane as the home's supervisor last saw them; `check` looks again first. */
  components(opts?: { check?: boolean }): Promise<ComponentSnapshot[]>;
  /** Restarts a component this app runs (etcd it started); refused, saying why, for the rest. */
  restartComponent(id: ComponentId): Promise<ComponentSnapshot>;
  stop(): Promise<void>;
}

interface HostOptions {
  home: string;
  env: NodeJS.ProcessEnv;
  engine: DockerEngine;
  etcdUrl?: string;
  /** The etcd image, should etcd have to run as a container (flag or setting, resolved). */
  etcdImage?: string;
  /** Lifetime of the gateways' client certificates; else GATEWAY_TRAY_CLIENT_CERT_LIFETIME, else 90 days. */
  clientCertLifetimeMs?: number;
  /** An instance is Lost after this silence (default 30 s); tests shorten it. */
  lostAfterMs?: number;
  /** How long a remembered port that is taken is waited for before moving (default 10 s). */
  portWaitMs?: number;
  /** Labels for gateway containers this host recreates (tests mark theirs for cleanup). */
  labels?: Record<string, string>;
  log?: (line: string) => void;
  /** What the user should be told (a toast in the app): a moved port, a recreated gateway, the bridge. */
  notice?: (message: string) => void;
  /** The app's launch turns: a stale gateway's recreate takes the profile's turn, as a user's launch does. */
  turns?: LaunchTurns;
  /** The supervisor's slow health-check pace (default 20 s, jittered). */
  superviseEveryMs?: number;
  /** A supervised component changed state (a fresh status in the app). */
  componentChanged?: (snapshot: ComponentSnapshot) => void;
}

/** Another process runs this home's control plane: it is watched on demand here, never restarted. */
const notOurs = (home: string, apiUrl: string): HostedControlPlane => {
  const watched = new HomeSupervisor([watchedControlPlane(home, { url: apiUrl, port: Number(new URL(apiUrl).port) || undefined }, 'other-process')]);
  return {
    apiUrl,
    inProcess: false,
    moved: [],
    engineAvailable: async () => [],
    components: async (o) => (o?.check ? watched.checkNow() : watched.components()),
    restartComponent: async (id) => {
      throw new GatewayError('control-plane', `This home's ${id === 'etcd' ? 'etcd and control plane are' : 'control plane is'} run by another process (the CLI's 'gateway-tray control-plane'); restart it there: 'gateway-tray control-plane stop', then launch.`);
    },
    stop: () => watched.stop(),
  };
};

/**
 * The local profile's control plane as the desktop app hosts it: one that already answers for this
 * home is reused (the CLI may have started it); otherwise the embedded one starts in this process,
 * on loopback plus the Docker bridge address, so containers reach its data-plane endpoint. Stopping it
 * also stops the etcd it started (never one it adopted).
 */
export async function hostLocalControlPlane(opts: HostOptions): Promise<HostedControlPlane> {
  const found = await locateLocalControlPlane(opts.home);
  if ('info' in found) return notOurs(opts.home, found.info.apiUrl);
  // A `launch` of the CLI (or another app window) starting at the same time: one of the two starts etcd.
  const outcome = await underStartLock(opts.home, () => startHosted(opts));
  if ('found' in outcome) {
    opts.log?.(`Another process started this home's control plane meanwhile (${outcome.found.info.apiUrl}); using it.`);
    return notOurs(opts.home, outcome.found.info.apiUrl);
  }
  return outcome.started;
}

async function startHosted(opts: HostOptions): Promise<HostedControlPlane> {
  const needsBridge = process.platform === 'linux' && opts.engine.endpoint.protocol === 'unix';
  let bridgeAddress: string | undefined;
  if (needsBridge) {
    bridgeAddress = await bridgeGatewayAddress(opts.engine.docker).catch((err: unknown) => {
      opts.log?.(`Docker does not answer yet, so the control plane listens on loopback only until it does: ${messageOf(err)}`);
      return undefined;
    });
  }
  let etcdUrl = opts.etcdUrl;
  let etcd: LocalEtcd | undefined;
  if (!etcdUrl) {
    etcd = await ensureLocalEtcd(opts.home, opts.env, { engine: opts.engine, ...(opts.etcdImage ? { etcdImage: opts.etcdImage } : {}), ...(opts.log ? { log: opts.log } : {}) });
    if (etcd.container && etcd.started) opts.log?.(`Started etcd in a Docker container (${etcd.url}), as no etcd binary is installed.`);
    etcdUrl = etcd.url;
  }
  // The home's etcd is supervised: restarted with backoff, on the same address and data, when it dies.
  const supervised: SupervisedEtcd | undefined = etcd
    ? supervisedEtcd(etcd, { home: opts.home, env: opts.env, engine: opts.engine, ...(opts.etcdImage ? { etcdImage: opts.etcdImage } : {}), ...(opts.log ? { log: opts.log } : {}) })
    : undefined;
  // Only an etcd this host started (or restarted) is stopped with it; one it adopted belongs to whoever started it.
  const stopEtcd = async () => {
    const started = supervised?.startedHere() ? supervised.current() : undefined;
    if (!started) return;
    await stopLocalEtcd(opts.home, started, { engine: opts.engine });
    opts.log?.(`Stopped the etcd this app started (${started.pid !== undefined ? `pid ${started.pid}` : `container ${started.container?.slice(0, 12)}`}, ${started.url}).`);
  };
  let cp: EmbeddedControlPlane;
  try {
    cp = await startEmbeddedControlPlane({
      home: opts.home,
      etcdUrl,
      env: opts.env,
      ...(etcd ? { etcdTls: etcd.tls } : {}),
      ...(bridgeAddress ? { bridgeAddress } : {}),
      ...(opts.portWaitMs !== undefined ? { portWaitMs: opts.portWaitMs } : {}),
      more: {
        ...(opts.log ? { log: opts.log } : {}),
        ...(opts.clientCertLifetimeMs ? { clientCertLifetimeMs: opts.clientCertLifetimeMs } : {}),
        ...(opts.lostAfterMs ? { lostAfterMs: opts.lostAfterMs } : {}),
      },
    });
  } catch (err) {
    await stopEtcd().catch(() => undefined);
    throw new GatewayError('control-plane', `The embedded control plane did not start: ${messageOf(err)}`, { cause: err });
  }
  const dpPort = Number(new URL(cp.dataPlaneUrl).port);
  // The control plane hosted here is this process: the supervisor reports its state, and restarts etcd.
  const supervisor = new HomeSupervisor(
    [
      watchedControlPlane(opts.home, { pid: process.pid, url: cp.apiUrl, port: Number(new URL(cp.apiUrl).port) || undefined }, 'this-app'),
      ...(supervised ? [supervised] : []),
    ],
    {
      ...(opts.superviseEveryMs !== undefined ? { everyMs: opts.superviseEveryMs } : {}),
      ...(opts.log ? { log: opts.log } : {}),
      ...(opts.componentChanged ? { onChange: opts.componentChanged } : {}),
    },
  );
  supervisor.start();
  const tell = (said: string[], m: string): void => {
    said.push(m);
    opts.log?.(m);
    opts.notice?.(m);
  };
  for (const m of cp.moved) {
    if (m.role === 'data-plane endpoint') {
      tell([], `The control plane's data-plane port ${m.from} was taken${m.holder ? ` by ${m.holder}` : ''}, so it moved to ${m.to}; gateways configured for ${m.from} are re-rendered and recreated.`);
    }
  }

  let bridged = !needsBridge || bridgeAddress !== undefined;
  let stopped = false;
  const catchUp = async (): Promise<string[]> => {
    const said: string[] = [];
    if (stopped) return said;
    if (!bridged) {
      let address: string;
      try {
        address = await bridgeGatewayAddress(opts.engine.docker);
      } catch (err) {
        opts.log?.(`Docker answers, but its bridge address could not be read yet: ${messageOf(err)}`);
        return said;
      }
      try {
        await cp.listenDataPlane(address);
        bridged = true;
        tell(said, `Docker answers now: the control plane also listens for gateways on ${address}:${dpPort}, so a launch works without restarting the app.`);
      } catch (err) {
        tell(said, `Docker answers now, but the control plane could not listen on its bridge address ${address}:${dpPort}: ${messageOf(err)}. Restart the app.`);
        return said;
      }
    }
    said.push(
      ...(await recreateStaleLocalGateways({
        home: opts.home,
        engine: opts.engine,
        env: opts.env,
        ...(opts.labels ? { labels: opts.labels } : {}),
        ...(opts.log ? { log: opts.log } : {}),
        ...(opts.turns ? { turn: (profile, what, job) => opts.turns!.run(profile, what, job) } : {}),
        notice: (m) => {
          opts.log?.(m);
          opts.notice?.(m);
        },
      })),
    );
    return said;
  };
  // One catch-up at a time; a call while one runs waits for it and then runs again (Docker may have
  // gone and come back meanwhile).
  let running: Promise<string[]> = Promise.resolve([]);
  const engineAvailable = (): Promise<string[]> => {
    running = running.then(catchUp, catchUp);
    return running;
  };
  // Docker answers now: gateways that kept running with an old address are put right at once.
  if (bridgeAddress !== undefined || !needsBridge) void engineAvailable();
  return {
    apiUrl: cp.apiUrl,
    inProcess: true,
    moved: cp.moved,
    engineAvailable,
    components: async (o) => (o?.check ? supervisor.checkNow() : supervisor.components()),
    restartComponent: (id) => supervisor.restart(id),
    stop: async () => {
      stopped = true;
      await supervisor.stop();
      await running.catch(() => undefined);
      await cp.stop();
      await stopEtcd();
    },
  };
}
