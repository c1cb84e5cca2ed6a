import type { ControlPlaneClient } from '../cloud/client.ts';
import type { Profile } from '../credentials/profile-schema.ts';
import type { Engine } from '../engine/engine.ts';
import { problemOfSession } from './session-problem.ts';
import { StatusWatcher, type StatusWatcherOptions } from './status-watcher.ts';

/** What a watcher is built from: an opened session (src/core/gateway/session.ts) or doctor's context. */
export interface WatchedSession {
  engine: Engine;
  home: string;
  profile: Pick<Profile, 'name' | 'clusterId' | 'ports'>;
  client?: ControlPlaneClient;
  /** Why there is no client, in the session's words. */
  controlPlaneProblem?: string;
}

/** Cadences and thresholds: the app, the CLI and tests differ only in these. */
export type WatcherTuning = Omit<StatusWatcherOptions, 'engine' | 'home' | 'profile' | 'client' | 'controlPlaneProblem' | 'clusterId' | 'ports'>;

/**
 * The one way a session becomes a status watcher. The app's tray and window and `gateway-tray status`
 * and `doctor` all build theirs here, so each is fed the same inputs and derives the same snapshot.
 */
export function watchSession(session: WatchedSession, tuning: WatcherTuning = {}): StatusWatcher {
  const { profile, client } = session;
  const problem = client ? undefined : problemOfSession(session.controlPlaneProblem);
  const p = profile.ports;
  return new StatusWatcher({
    ...tuning,
    engine: session.engine,
    home: session.home,
    profile: profile.name,
    ...(client ? { client } : {}),
    ...(problem ? { controlPlaneProblem: problem } : {}),
    ...(profile.clusterId ? { clusterId: profile.clusterId } : {}),
    ports: { http: p.proxyHttp, https: p.proxyHttps, control: p.control, prometheus: p.prometheus },
  });
}
