import { resolve } from 'node:path';
import { ProfileStore } from '../credentials/profile-store.ts';
import { readTlsBundle } from '../credentials/tls-bundle.ts';
import { inspectCertificate, renewalDueAt } from '../credentials/x509-inspect.ts';
import { afterNextHeartbeat, HEARTBEAT_WAIT_MS } from './after-next-heartbeat.ts';
import { messageOf } from './errors.ts';
import { readInstanceId } from './instance-lookup.ts';
import { controlPlaneDir } from './local-control-plane.ts';
import { renewCertificate, type RenewResult } from './renew.ts';
import { openSession } from './session.ts';

/*
 * Auto-renewal for gateways launched from the command line alone. The app renews its default profile
 * (AutoRenewer, fed by its status watcher); with no app running nothing did, and every gateway lost
 * its control plane when its certificate ran out. The CLI's background control plane runs all day for
 * the embedded profiles of its home, so it renews theirs: it reads their certificates on disk (no Docker
 * or network call until one is due), renews within the last third of a certificate's life, restarts
 * the gateway so the agent loads it, and revokes the old serial once the new one is accepted
 * (renewCertificate). Cloud profiles are the app's or `gateway-tray renew-cert`'s; `status` and
 * `doctor` say when one is due.
 */

const MINUTE = 60_000;
const DEFAULT_LIFETIME_MS = 90 * 24 * 60 * MINUTE;

export interface BackgroundRenewalOptions {
  home: string;
  env: NodeJS.ProcessEnv;
  /** This control plane's management API: it renews only while the home's control-plane.json names it. */
  apiUrl: string;
  /** Its data folder: a control plane that is not the home's own serves no profile of the home. */
  dataDir: string;
  /** The lifetime it gives client certificates: the rescan interval follows it (a sixth, 5 s to 5 min). */
  clientCertLifetimeMs?: number;
  /** After a failed renewal, wait this long before the next attempt for that profile (default 5 min). */
  retryAfterMs?: number;
  log?: (line: string) => void;
  now?: () => number;
  /** Renews one profile's gateway; renewCertificate through an opened session by default. */
  renew?: (profile: string) => Promise<RenewResult>;
}

export interface BackgroundRenewal {
  /** Checks every profile now (and reschedules); resolves when any renewal it started has finished. */
  checkNow(): Promise<void>;
  stop(): void;
}

interface Due {
  profile: string;
  dueAt: number;
  serial: string;
}

/** The embedded profiles that allow auto-renewal and have a certificate on disk, with when each is due. */
function certificatesOf(home: string): Due[] {
  let profiles;
  try {
    profiles = new ProfileStore({ home }).list();
  } catch {
    return []; // a damaged settings file is the user's to fix; launch and status say so
  }
  const found: Due[] = [];
  for (const p of profiles) {
    if (p.kind !== 'local' || !p.options.autoRenewCert) continue;
    const instanceId = readInstanceId(home, p.name);
    if (!instanceId) continue;
    try {
      const read = readTlsBundle({ home, profile: p.name, instanceId });
      if (!read) continue;
      const info = inspectCertificate(read.bundle.certificate);
      found.push({ profile: p.name, dueAt: renewalDueAt(info).getTime(), serial: info.serialHex });
    } catch {
      // A damaged bundle: doctor names it, and renew-cert (or the next launch) replaces it.
    }
  }
  return found;
}

async function renewThroughSession(home: string, env: NodeJS.ProcessEnv, apiUrl: string, profile: string, log?: (line: string) => void): Promise<RenewResult> {
  const session = await openSession({ env, profile, ...(log ? { notice: log } : {}) });
  // Another control plane took over the home (the app's, say): that one's owner renews.
  if (session.apiUrl !== undefined && session.apiUrl !== apiUrl) throw new Error(`the home's control plane is now ${session.apiUrl}, not this one (${apiUrl})`);
  const ctx = session.context();
  const instanceId = readInstanceId(home, profile);
  if (instanceId) await afterNextHeartbeat(ctx, instanceId, HEARTBEAT_WAIT_MS);
  return renewCertificate(ctx);
}

/**
 * Starts renewing; returns undefined when this control plane is not its home's own (another data folder:
 * a test's, a team's), which has no profile of the home to renew.
 */
export function startBackgroundRenewal(o: BackgroundRenewalOptions): BackgroundRenewal | undefined {
  if (resolve(o.dataDir) !== resolve(controlPlaneDir(o.home))) return undefined;
  const now = o.now ?? Date.now;
  const rescanMs = Math.min(5 * MINUTE, Math.max(5000, (o.clientCertLifetimeMs ?? DEFAULT_LIFETIME_MS) / 6));
  const retryAfterMs = o.retryAfterMs ?? 5 * MINUTE;
  const renew = o.renew ?? ((profile: string) => renewThroughSession(o.home, o.env, o.apiUrl, profile, o.log));
  const failedAt = new Map<string, number>();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let stopped = false;

  /** Renews one; resolves when to try again after a failure, undefined after a success. */
  const renewOne = async (d: Due): Promise<number | undefined> => {
    try {
      const r = await renew(d.profile);
      failedAt.delete(d.profile);
      const revoked = r.revokedSerial ? `; the old serial ${r.revokedSerial} is revoked` : '';
      o.log?.(`Renewed the certificate of profile "${d.profile}" (serial ${d.serial} → ${r.certificate.serialHex}, valid until ${r.certificate.notAfter.toISOString()})${r.restarted ? ' and restarted its gateway' : ''}${revoked}.`);
      return undefined;
    } catch (err) {
      failedAt.set(d.profile, now());
      o.log?.(`Renewing the certificate of profile "${d.profile}" failed; trying again in ${Math.round(retryAfterMs / 1000)} s: ${messageOf(err)}`);
      return now() + retryAfterMs;
    }
  };

  const schedule = (dueTimes: number[]): void => {
    if (stopped) return;
    const t = now();
    const next = Math.min(t + rescanMs, ...dueTimes.map((at) => Math.max(at, t + 1000)));
    clearTimeout(timer);
    timer = setTimeout(() => void check(), next - t);
    // The control plane's servers keep the process alive; this timer must not hold it at exit.
    timer.unref();
  };

  const check = (): Promise<void> => {
    running ??= (async () => {
      const waits: number[] = [];
      for (const d of certificatesOf(o.home)) {
        if (stopped) return;
        const failed = failedAt.get(d.profile);
        const retryAt = failed === undefined ? 0 : failed + retryAfterMs;
        if (now() < Math.max(d.dueAt, retryAt)) {
          waits.push(Math.max(d.dueAt, retryAt));
          continue;
        }
        // One at a time: each restarts a gateway and waits for it to register again.
        const retry = await renewOne(d);
        if (retry !== undefined) waits.push(retry);
      }
      schedule(waits);
    })().finally(() => (running = undefined));
    return running;
  };

  void check();
  return {
    checkNow: () => (running ?? Promise.resolve()).then(() => check()),
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
