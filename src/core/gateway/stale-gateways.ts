import { CloudClient } from '../cloud/client.ts';
import { ProfileStore } from '../credentials/profile-store.ts';
import { DEFAULT_INSTANCE_NAME } from '../credentials/instance-id.ts';
import type { Engine } from '../engine/engine.ts';
import { findExisting } from './adopt.ts';
import { staleConfig } from './config-freshness.ts';
import { messageOf } from './errors.ts';
import { readInstanceId } from './instance-lookup.ts';
import { launchGateway } from './launch.ts';
import { locateLocalControlPlane, type LocatedControlPlane } from './local-control-plane.ts';
import { instancePaths, LABEL_INSTANCE_NAME } from './paths.ts';
import { resolveCluster } from './resolve.ts';
import { renderStartupTemplate } from './template.ts';
import type { GatewayContext } from './types.ts';

export interface StaleGatewayOptions {
  home: string;
  engine: Engine;
  env?: NodeJS.ProcessEnv;
  /** The control plane that answers now; located through control-plane.json when absent. */
  located?: LocatedControlPlane;
  /** Labels for the containers made anew (tests mark theirs for cleanup). */
  labels?: Record<string, string>;
  log?: (line: string) => void;
  /** Each thing the user should be told, as it happens. */
  notice?: (message: string) => void;
  /**
   * Runs one profile's check and recreate in that profile's launch turn, the one the user's launches
   * take too (LaunchTurns in the app), so a launch clicked meanwhile waits instead of racing it.
   */
  turn?: <T>(profile: string, what: string, job: () => Promise<T>) => Promise<T>;
}

/** What a waiting launch is told it waits for. */
export const STALE_CHECK_TURN = "the check of its gateway's control-plane address (and its recreate, if stale)";

/**
 * Every running gateway of this home's local profiles whose config.yaml names a data-plane address the
 * local control plane no longer listens on (it moved off a port that stayed taken) is re-rendered and
 * its container recreated, through the launch flow that does the same for one profile. Such a gateway
 * could never heartbeat again; a fresh one is left alone. Never throws: a failure becomes a notice.
 * Resolves the notices it gave.
 */
export async function recreateStaleLocalGateways(opts: StaleGatewayOptions): Promise<string[]> {
  const said: string[] = [];
  const notice = (m: string): void => {
    said.push(m);
    opts.notice?.(m);
  };
  const located = opts.located ?? (await locateLocalControlPlane(opts.home));
  if (!('info' in located)) return said;
  const client = new CloudClient({ baseUrl: located.info.apiUrl, token: located.token });
  let profiles;
  try {
    profiles = new ProfileStore({ home: opts.home }).list().filter((p) => p.kind === 'local');
  } catch (err) {
    opts.log?.(`Could not read the profiles to check their gateways' config: ${messageOf(err)}`);
    return said;
  }
  const checkOne = async (profile: (typeof profiles)[number]): Promise<void> => {
    const instanceId = readInstanceId(opts.home, profile.name);
    if (!instanceId) return;
    let running;
    try {
      ({ running } = await findExisting(opts.engine, profile.name, instanceId));
    } catch (err) {
      // Docker not answering is said elsewhere; the check runs again when it answers.
      opts.log?.(`Could not check the gateway of profile "${profile.name}": ${messageOf(err)}`);
      return;
    }
    if (!running) return;
    const instanceName = running.labels?.[LABEL_INSTANCE_NAME] ?? DEFAULT_INSTANCE_NAME;
    const ctx: GatewayContext = {
      profile,
      engine: opts.engine,
      client,
      home: opts.home,
      instanceName,
      ...(opts.labels ? { labels: opts.labels } : {}),
      ...(opts.log ? { log: opts.log } : {}),
      ...(opts.env ? { env: opts.env } : {}),
    };
    let stale;
    let live: string[];
    try {
      const cluster = await resolveCluster(ctx, await client.me());
      live = renderStartupTemplate(await client.startupTemplate(cluster.clusterId)).hosts;
      stale = staleConfig(instancePaths(opts.home, profile.name, instanceName).configFile, live);
    } catch (err) {
      opts.log?.(`Could not read the control plane's startup template for profile "${profile.name}": ${messageOf(err)}`);
      return;
    }
    if (!stale) return;
    try {
      notice(`Profile "${profile.name}": ${stale.message}.`);
      const r = await launchGateway(ctx);
      notice(`Profile "${profile.name}": recreated its gateway as ${r.containerName} (${r.containerId.slice(0, 12)}); it heartbeats again at ${live.join(', ')}.`);
    } catch (err) {
      notice(`Profile "${profile.name}": its gateway names an old control-plane address and could not be recreated: ${messageOf(err)}. Launch it again.`);
    }
  };
  const turn = opts.turn ?? ((_profile, _what, job) => job());
  // The check is inside the turn too: after a launch that ran meanwhile, the config is fresh and is left alone.
  for (const profile of profiles) await turn(profile.name, STALE_CHECK_TURN, () => checkOne(profile));
  return said;
}
