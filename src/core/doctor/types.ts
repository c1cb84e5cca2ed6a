import type { ControlPlaneClient } from '../cloud/client.ts';
import type { Profile } from '../credentials/profile-schema.ts';
import type { SecretStore } from '../credentials/secret-store.ts';
import type { Engine } from '../engine/engine.ts';
import type { DiscoveryResult } from '../engine/types.ts';

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skip';

/** One line of `gateway-tray doctor`: what was checked, what was found, and how to fix it. */
export interface CheckResult {
  id: string;
  title: string;
  status: CheckStatus;
  detail: string;
  /** What to do; present whenever the status is warn or fail. */
  fix?: string;
}

export interface DoctorContext {
  home: string;
  profile: Profile;
  engine: Engine;
  discovery: DiscoveryResult;
  client?: ControlPlaneClient;
  /** Why there is no client, when there is none. */
  controlPlaneProblem?: string;
  /** The control plane's management API base URL, for the clock check. */
  apiUrl?: string;
  env: NodeJS.ProcessEnv;
  /** The home's one secret store, as the session opened it; opened from the home when absent. */
  secrets?: SecretStore;
  now?: () => number;
}

export interface Checker {
  id: string;
  title: string;
  run(ctx: DoctorContext): Promise<Omit<CheckResult, 'id' | 'title'>>;
}
