import type { ControlPlaneClient } from '../cloud/client.ts';
import type { Profile } from '../credentials/profile-schema.ts';
import type { SecretStore } from '../credentials/secret-store.ts';
import { profileTokenKey } from '../credentials/secret-store.ts';
import { CloudClient } from '../cloud/client.ts';
import { openSession, type GatewaySession } from '../gateway/session.ts';
import { resolveCluster } from '../gateway/resolve.ts';
import type { GatewayStatus } from '../status/gateway-status.ts';
import { StatusWatcher } from '../status/status-watcher.ts';

/** One profile, opened: its session (engine, control-plane client), its status watcher and its cluster. */
export interface LiveSession {
  session: GatewaySession;
  profile: Profile;
  client?: ControlPlaneClient;
  watcher: StatusWatcher;
  /** The cluster, resolved once the control plane answers. */
  clusterId(): Promise<string>;
  dispose(): void;
}

export interface LiveSessionOptions {
  env: NodeJS.ProcessEnv;
  /** The app's secret store (Electron's safeStorage in the app); cloud tokens come from it. */
  secrets: SecretStore;
  onStatus: (status: GatewayStatus) => void;
  notice?: (line: string) => void;
  /** Watcher cadence; the defaults suit the app, tests may shorten them. */
  pollMs?: number;
  /** The instance record while somebody looks (it also feeds the dashboard's heartbeat timeline). */
  instancePollMs?: number;
  idleInstancePollMs?: number;
}

/**
 * Opens the default profile: openSession finds the engine and, for the local profile, the running local
 * control plane; cloud tokens come from the app's own secret store. A status watcher starts at once.
 */
export async function openLiveSession(opts: LiveSessionOptions): Promise<LiveSession> {
  const session = await openSession({ env: opts.env, ...(opts.notice ? { notice: opts.notice } : {}) });
  let client = session.client;
  if (session.profile.kind === 'cloud') {
    const token = await opts.secrets.get(profileTokenKey(session.profile.name));
    client = token ? new CloudClient({ baseUrl: session.profile.apiUrl, token }) : undefined;
  }
  const p = session.profile;
  const watcher = new StatusWatcher({
    engine: session.engine,
    home: session.home,
    profile: p.name,
    ...(client ? { client } : {}),
    ...(p.clusterId ? { clusterId: p.clusterId } : {}),
    ports: { http: p.ports.proxyHttp, https: p.ports.proxyHttps, control: p.ports.control, prometheus: p.ports.prometheus },
    ...(opts.pollMs ? { pollMs: opts.pollMs } : {}),
    ...(opts.instancePollMs ? { instancePollMs: opts.instancePollMs } : {}),
    ...(opts.idleInstancePollMs ? { idleInstancePollMs: opts.idleInstancePollMs } : {}),
  });
  watcher.on('status', opts.onStatus);
  watcher.start();
  let cluster: Promise<string> | undefined;
  return {
    session,
    profile: p,
    ...(client ? { client } : {}),
    watcher,
    clusterId() {
      if (!client) return Promise.reject(new Error(session.controlPlaneProblem ?? `Profile "${p.name}" has no token stored; add it again in Settings.`));
      cluster ??= client
        .me()
        .then((me) => resolveCluster({ profile: p, engine: session.engine, client, home: session.home }, me))
        .then((c) => c.clusterId);
      cluster.catch(() => (cluster = undefined));
      return cluster;
    },
    dispose() {
      watcher.dispose();
    },
  };
}
