import type { CertificateInfo } from '../credentials/x509-inspect.ts';
import { inspectCertificate } from '../credentials/x509-inspect.ts';
import type { ContainerInfo } from '../engine/types.ts';
import { fetchInstanceCertificate } from './certificate.ts';
import { putTlsBundle } from './container.ts';
import { GatewayError, messageOf } from './errors.ts';
import { moduleOfLabels } from './paths.ts';
import { requireContainer, restartContainer } from './restart.ts';
import { resolveCluster } from './resolve.ts';
import { keptSerial, revokeSerial } from './revoke.ts';
import { Rollback } from './rollback.ts';
import type { GatewayContext } from './types.ts';
import { waitUntilRegistered } from './wait-registered.ts';

export interface RenewResult {
  certificate: CertificateInfo;
  container: ContainerInfo;
  restarted: boolean;
  /** The serial replaced, when the control plane revoked it (after the new one was accepted). */
  revokedSerial?: string;
}

/**
 * A fresh instance-bound certificate: written on the host, put into the container, and the gateway
 * restarted so that nginx loads the new files. When it is running, waits until it registers again.
 */
export async function renewCertificate(ctx: GatewayContext, opts: { registerTimeoutMs?: number } = {}): Promise<RenewResult> {
  const where = { home: ctx.home, profile: ctx.profile.name, ...(ctx.instanceName ? { instanceName: ctx.instanceName } : {}) };
  const { instanceId, container } = await requireContainer(ctx.engine, where, 'renew');
  const me = await ctx.client.me().catch((err: unknown) => {
    throw new GatewayError('renew', `The control plane did not answer: ${messageOf(err)}`, { cause: err });
  });
  const { clusterId } = await resolveCluster(ctx, me);
  const rollback = new Rollback();
  const oldSerial = keptSerial({ home: ctx.home, profile: ctx.profile.name, instanceId });
  // The old serial is revoked only once the gateway heartbeats with the new one: revoking first would
  // cut a gateway off should the restart fail.
  const retire = async (): Promise<{ revokedSerial?: string }> => {
    if (!oldSerial) return {};
    return (await revokeSerial(ctx.client, clusterId, oldSerial, ctx.log)) === 'revoked' ? { revokedSerial: oldSerial } : {};
  };
  try {
    const bundle = await fetchInstanceCertificate(ctx.client, clusterId, { home: ctx.home, profile: ctx.profile.name, instanceId }, rollback);
    try {
      await putTlsBundle(ctx.engine, container.id, bundle, container.image);
    } catch (err) {
      throw new GatewayError('renew', `Could not put the new certificate into the gateway container: ${messageOf(err)}`, { cause: err });
    }
    rollback.commit();
    const certificate = inspectCertificate(bundle.certificate);
    // Not running: nothing uses the old certificate any more, the container already holds the new one.
    if (!container.running) return { certificate, container, restarted: false, ...(await retire()) };
    const restarted = await restartContainer(ctx.engine, container, 'renew');
    await waitUntilRegistered(ctx.engine, ctx.client, { clusterId, instanceId, containerId: restarted.id }, {
      timeoutMs: opts.registerTimeoutMs ?? 60_000,
      agentStatusFile: moduleOfLabels(container.labels) !== 'api7',
    });
    return { certificate, container: restarted, restarted: true, ...(await retire()) };
  } catch (err) {
    await rollback.run();
    if (err instanceof GatewayError) throw err;
    throw new GatewayError('renew', messageOf(err), { cause: err });
  }
}
