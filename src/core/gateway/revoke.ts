import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { ControlPlaneClient } from '../cloud/client.ts';
import { CloudApiError } from '../cloud/errors.ts';
import { readTlsBundle, tlsBundleDir } from '../credentials/tls-bundle.ts';
import { inspectCertificate } from '../credentials/x509-inspect.ts';
import { messageOf } from './errors.ts';
import { resolveCluster } from './resolve.ts';
import type { GatewayContext } from './types.ts';

export type RevokeOutcome = 'revoked' | 'unsupported' | 'failed';

/**
 * Asks the control plane to refuse this serial from now on. Never throws: a control plane without
 * revocation (API7 Cloud) or one that does not answer is logged, and the certificate still expires.
 */
export async function revokeSerial(client: ControlPlaneClient, clusterId: string, serialHex: string, log?: (line: string) => void): Promise<RevokeOutcome> {
  if (!client.revokeGatewayCertificate) return 'unsupported';
  try {
    await client.revokeGatewayCertificate(clusterId, serialHex);
    return 'revoked';
  } catch (err) {
    if (err instanceof CloudApiError && err.kind === 'not-found') return 'unsupported';
    log?.(`Could not revoke the old gateway certificate ${serialHex}: ${messageOf(err)}; it stays valid until it expires.`);
    return 'failed';
  }
}

/** The serial of the bundle kept for an instance, when there is a readable one. */
export function keptSerial(where: { home: string; profile: string; instanceId: string }): string | undefined {
  try {
    const kept = readTlsBundle(where);
    return kept ? inspectCertificate(kept.bundle.certificate).serialHex : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A gateway that is gone for good (`stop --rm`, its profile removed): its certificate is revoked, so a
 * copy of the key can't heartbeat as it, and the bundle is deleted. The instance id is kept: a later
 * launch is the same gateway, with a new certificate.
 */
export async function retireCertificates(
  client: ControlPlaneClient | undefined,
  clusterId: string | undefined,
  where: { home: string; profile: string },
  log?: (line: string) => void,
): Promise<string[]> {
  const root = join(where.home, 'instances', where.profile);
  if (!existsSync(root)) return [];
  const revoked: string[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    // instances/<profile>/<name>/instance-id names the id; the bundle lives under instances/<profile>/<id>/tls.
    const dir = join(root, entry.name);
    if (!existsSync(join(dir, 'tls'))) continue;
    const location = { home: where.home, profile: where.profile, instanceId: entry.name };
    let bundleDir: string;
    try {
      bundleDir = tlsBundleDir(location);
    } catch {
      continue; // not an instance id: not ours to remove
    }
    const serial = keptSerial(location);
    if (serial && client && clusterId && (await revokeSerial(client, clusterId, serial, log)) === 'revoked') revoked.push(serial);
    rmSync(bundleDir, { recursive: true, force: true });
  }
  return revoked;
}

/** How a removal reaches the control plane to revoke the gateway's certificate. */
export interface RetireWith {
  client?: ControlPlaneClient;
  /** The cluster the certificates belong to; undefined or a failure skips the revocation, not the removal. */
  clusterId: () => Promise<string | undefined>;
  log?: (line: string) => void;
}

/** A RetireWith for a session's context: the cluster the profile resolves to. */
export function retireWithContext(context: () => GatewayContext, log?: (line: string) => void): RetireWith {
  let ctx: GatewayContext | undefined;
  try {
    ctx = context();
  } catch {
    ctx = undefined; // no control plane: the bundle is deleted, the certificate expires on its own
  }
  return {
    ...(ctx ? { client: ctx.client } : {}),
    clusterId: async () => (ctx ? (await resolveCluster(ctx, await ctx.client.me())).clusterId : undefined),
    ...(log ? { log } : {}),
  };
}
