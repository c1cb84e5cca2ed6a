/**
 * A re-launch checks the kept certificate against the data-plane address its kept config.yaml names,
 * before the startup template has come (launch.ts). Against a real dockerd, the stand-in image, a real
 * etcd and the real control plane: an accepted certificate is kept, a revoked one is replaced, and in
 * both cases the gateway registers.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchGateway } from '../../src/core/gateway/launch.ts';
import { keptSerial } from '../../src/core/gateway/revoke.ts';
import { stopGateway } from '../../src/core/gateway/stop.ts';
import type { LaunchProgress } from '../../src/core/gateway/types.ts';
import { startLaunchWorld, type LaunchWorld } from './launch-setup.ts';

let w: LaunchWorld;

before(async () => {
  w = await startLaunchWorld('launch-kept-cert');
});
after(async () => {
  await w?.cleanup();
});

async function relaunch(): Promise<{ certificate: string; instanceId: string; clusterId: string }> {
  const progress: LaunchProgress[] = [];
  const r = await launchGateway(w.ctx(), { onProgress: (p) => progress.push(p), registerTimeoutMs: 60_000 });
  assert.equal(r.adopted, false);
  const done = progress.find((p) => p.stage === 'certificate' && p.status === 'done');
  assert.ok(done, 'the certificate stage reported its end');
  return { certificate: done.message, instanceId: r.instanceId, clusterId: r.clusterId };
}

test('a re-launch keeps the certificate the control plane accepts, and replaces one it has revoked', async () => {
  const first = await relaunch();
  assert.match(first.certificate, /^New certificate/);
  const where = { home: w.home, profile: 'local', instanceId: first.instanceId };
  const serial = keptSerial(where);
  assert.ok(serial);

  // Removed without retiring its certificate, as the benchmark's re-launch does.
  await stopGateway(w.engine, { home: w.home, profile: 'local' }, { remove: true });
  const kept = await relaunch();
  assert.match(kept.certificate, /^Current certificate still valid and accepted/);
  assert.equal(keptSerial(where), serial);

  await stopGateway(w.engine, { home: w.home, profile: 'local' }, { remove: true });
  assert.ok(w.h.client.revokeGatewayCertificate, 'the local control plane revokes');
  await w.h.client.revokeGatewayCertificate(first.clusterId, serial);
  const replaced = await relaunch();
  assert.match(replaced.certificate, /^New certificate/, 'a revoked certificate is not kept, though the guess went out with it');
  const next = keptSerial(where);
  assert.ok(next && next !== serial, `a new serial (${next}), not ${serial}`);
});
