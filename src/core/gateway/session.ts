import { CloudClient, type ControlPlaneClient } from '../cloud/client.ts';
import { gatewayTrayHome } from '../config/home.ts';
import { openHomeSecretStore } from '../credentials/home-secret-store.ts';
import { ProfileStore } from '../credentials/profile-store.ts';
import type { Profile } from '../credentials/profile-schema.ts';
import { profileTokenKey, type SecretStore } from '../credentials/secret-store.ts';
import { DockerEngine, openLocalEngine } from '../engine/engine.ts';
import type { DiscoveryResult } from '../engine/types.ts';
import { bridgeGatewayAddress } from './bridge-gateway.ts';
import { GatewayError, messageOf } from './errors.ts';
import { ensureLocalControlPlane, locateLocalControlPlane, selfCliCommand } from './local-control-plane.ts';
import type { GatewayContext } from './types.ts';

export interface SessionOptions {
  env?: NodeJS.ProcessEnv;
  /** The profile to use; the default profile when absent. */
  profile?: string;
  /** Local profile: start the control plane in the background when none answers (launch does). */
  startControlPlane?: boolean;
  etcdUrl?: string;
  /** The etcd image, should etcd have to run as a container (`--etcd-image`). */
  etcdImage?: string;
  cliCommand?: string[];
  /** Something the user should read once (a file moved aside, a process started). */
  notice?: (line: string) => void;
  labels?: Record<string, string>;
  instanceName?: string;
  /** The home's one secret store, from the composition root; opened from the home when absent (the CLI). */
  secrets?: SecretStore;
}

export interface GatewaySession {
  home: string;
  store: ProfileStore;
  /** Where cloud tokens are: the same store the app and every command of this home use. */
  secrets: SecretStore;
  profile: Profile;
  engine: DockerEngine;
  discovery: DiscoveryResult;
  /** Absent when the control plane cannot be reached; `controlPlaneProblem` says why. */
  client?: ControlPlaneClient;
  controlPlaneProblem?: string;
  /** The control plane's management API base URL, when known. */
  apiUrl?: string;
  /** The context for gateway operations; throws the control-plane problem when there is no client. */
  context(): GatewayContext;
}

/** What to run when a cloud profile's token is missing, damaged or refused. */
export function setTokenHint(profile: string): string {
  return `set it with 'gateway-tray profiles set-token ${profile} --token-stdin' (or in Settings, Profiles)`;
}

async function cloudClient(store: SecretStore, profile: Profile & { kind: 'cloud' }, notice?: (line: string) => void): Promise<CloudClient | string> {
  const token = await store.get(profileTokenKey(profile.name));
  // An unreadable secrets file was moved aside, not deleted: say so once.
  for (const n of store.takeNotices?.() ?? []) notice?.(n.message);
  if (!token) return `profile "${profile.name}" has no token stored; ${setTokenHint(profile.name)}`;
  return new CloudClient({ baseUrl: profile.apiUrl, token });
}

/**
 * Opens what every command needs for one profile: the settings (recovering a corrupt file, with a
 * notice), the engine, and a client for the profile's control plane with its token, which comes from
 * the local control plane's token file or from the secret store, never from settings.
 */
export async function openSession(opts: SessionOptions = {}): Promise<GatewaySession> {
  const env = opts.env ?? process.env;
  const home = gatewayTrayHome(env);
  const store = new ProfileStore({ home });
  const profile = opts.profile ? store.get(opts.profile) : store.getDefault();
  for (const n of store.takeNotices()) opts.notice?.(n.message);
  const { engine, discovery } = openLocalEngine({ env });
  const secrets = opts.secrets ?? (await openHomeSecretStore({ home, env, ...(opts.notice ? { log: opts.notice } : {}) })).store;

  let client: ControlPlaneClient | undefined;
  let controlPlaneProblem: string | undefined;
  let apiUrl: string | undefined;
  if (profile.kind === 'cloud') {
    apiUrl = profile.apiUrl;
    const made = await cloudClient(secrets, profile, opts.notice);
    if (typeof made === 'string') controlPlaneProblem = made;
    else client = made;
  } else if (opts.startControlPlane) {
    let bridgeAddress: string | undefined;
    if (process.platform === 'linux' && engine.endpoint.protocol === 'unix') {
      bridgeAddress = await bridgeGatewayAddress(engine.docker).catch((err: unknown) => {
        throw new GatewayError('control-plane', `Docker does not answer, so the control plane cannot be set up for containers: ${messageOf(err)}`, { cause: err });
      });
    }
    const cp = await ensureLocalControlPlane({
      home,
      env,
      cliCommand: opts.cliCommand ?? selfCliCommand(),
      ...(opts.etcdUrl ? { etcdUrl: opts.etcdUrl } : {}),
      engine,
      ...(opts.etcdImage ? { etcdImage: opts.etcdImage } : {}),
      ...(bridgeAddress ? { bridgeAddress } : {}),
      ...(opts.notice ? { log: opts.notice } : {}),
    });
    client = new CloudClient({ baseUrl: cp.info.apiUrl, token: cp.token });
    apiUrl = cp.info.apiUrl;
  } else {
    const found = await locateLocalControlPlane(home);
    if ('info' in found) {
      client = new CloudClient({ baseUrl: found.info.apiUrl, token: found.token });
      apiUrl = found.info.apiUrl;
    } else controlPlaneProblem = `${found.problem}; start it with 'gateway-tray control-plane' or run 'gateway-tray launch'`;
  }

  return {
    home,
    store,
    secrets,
    profile,
    engine,
    discovery,
    ...(client ? { client } : {}),
    ...(controlPlaneProblem ? { controlPlaneProblem } : {}),
    ...(apiUrl ? { apiUrl } : {}),
    context() {
      if (!client) throw new GatewayError('preflight', `The control plane is not available: ${controlPlaneProblem ?? 'unknown reason'}.`);
      return {
        profile,
        engine,
        client,
        home,
        ...(opts.instanceName ? { instanceName: opts.instanceName } : {}),
        ...(opts.labels ? { labels: opts.labels } : {}),
        ...(opts.notice ? { log: opts.notice } : {}),
        env,
      };
    },
  };
}
