/**
 * `stop --rm` retires the gateway for good: its container goes, its certificate is revoked at the
 * control plane (so a copy of the key can't heartbeat as it) and its bundle deleted; the instance id
 * stays, and the next launch is the same instance with a new certificate. Real Docker, etcd, control plane.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readTlsBundle, tlsBundleDir } from '../../src/core/credentials/tls-bundle.ts';
import { inspectCertificate } from '../../src/core/credentials/x509-inspect.ts';
import { launchGateway } from '../../src/core/gateway/launch.ts';
import { retireWithContext } from '../../src/core/gateway/revoke.ts';
import { stopGateway } from '../../src/core/gateway/stop.ts';
import { startLaunchWorld, type LaunchWorld } from './launch-setup.ts';

let w: LaunchWorld;
before(async () => {
  w = await startLaunchWorld('stop-revoke');
});
after(async () => {
  await w?.cleanup();
});

test('stop --rm revokes and deletes the certificate; the next launch gets a new one for the same instance', async () => {
  const launched = await launchGateway(w.ctx());
  const where = { home: w.home, profile: w.profile.name, instanceId: launched.instanceId };
  const serial = inspectCertificate(readTlsBundle(where)!.bundle.certificate).serialHex;
  const lines: string[] = [];
  const result = await stopGateway(w.engine, { home: w.home, profile: w.profile.name }, { remove: true, retire: retireWithContext(() => w.ctx(), (l) => lines.push(l)) });
  assert.equal(result.removed.length, 1);
  assert.deepEqual(result.revoked, [serial]);
  assert.ok(w.h.logs.some((l) => l.includes(`revoked client certificate ${serial}`)));
  assert.ok(!existsSync(tlsBundleDir(where)), 'the bundle is deleted');
  assert.deepEqual(lines, []);

  const again = await launchGateway(w.ctx());
  assert.equal(again.instanceId, launched.instanceId, 'the same instance');
  assert.notEqual(inspectCertificate(readTlsBundle(where)!.bundle.certificate).serialHex, serial);
});

test('a plain stop keeps the certificate, and without a control plane --rm still deletes it', async () => {
  const where = { home: w.home, profile: w.profile.name, instanceId: (await launchGateway(w.ctx())).instanceId };
  await stopGateway(w.engine, { home: w.home, profile: w.profile.name });
  assert.ok(existsSync(tlsBundleDir(where)));
  const noControlPlane = () => {
    throw new Error('The control plane is not available');
  };
  const result = await stopGateway(w.engine, { home: w.home, profile: w.profile.name }, { remove: true, retire: retireWithContext(noControlPlane) });
  assert.deepEqual(result.revoked, []);
  assert.ok(!existsSync(tlsBundleDir(where)));
});
