import type { ControlPlaneClient } from '../cloud/client.ts';
import type { Profile } from '../credentials/profile-schema.ts';
import type { SecretStore } from '../credentials/secret-store.ts';
import { openSession, type GatewaySession } from '../gateway/session.ts';
import { resolveCluster } from '../gateway/resolve.ts';
import type { GatewayStatus } from '../status/gateway-status.ts';
import { watchSession } from '../status/session-watcher.ts';
import type { StatusWatcher } from '../status/status-watcher.ts';

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
  /** The home's one secret store (see openHomeSecretStore); cloud tokens come from it. */
  secrets: SecretStore;
  onStatus: (status: GatewayStatus) => void;
  notice?: (line: string) => void;
  /** Watcher cadence; the defaults suit the app, tests may shorten them. */
  pollMs?: number;
  /** The instance record while somebody looks (it also feeds the dashboard's heartbeat timeline). */
  instancePollMs?: number;
  idleInstancePollMs?: number;
  /** The local control plane the app hosts could not start: said beside the gateway's state. */
  hostProblem?: string;
}

/**
 * Opens the default profile: openSession finds the engine and, for the local profile, the running local
 * control plane; cloud tokens come from the app's own secret store. A status watcher starts at once.
 */
export async function openLiveSession(opts: LiveSessionOptions): Promise<LiveSession> {
  // The same store everywhere: launch, renew and the watcher all use this session's client.
  const session = await openSession({ env: opts.env, secrets: opts.secrets, ...(opts.notice ? { notice: opts.notice } : {}) });
  const client = session.client;
  const p = session.profile;
  const watcher = watchSession(session, {
    ...(opts.pollMs ? { pollMs: opts.pollMs } : {}),
    ...(opts.instancePollMs ? { instancePollMs: opts.instancePollMs } : {}),
    ...(opts.idleInstancePollMs ? { idleInstancePollMs: opts.idleInstancePollMs } : {}),
    // Only the local profile depends on the control plane the app hosts.
    ...(opts.hostProblem && p.kind === 'local' ? { hostProblem: opts.hostProblem } : {}),
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
      if (!client) return Promise.reject(new Error(session.controlPlaneProblem ?? `Profile "${p.name}" has no control plane client.`));
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
