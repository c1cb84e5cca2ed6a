/**
 * Issue 10: "Revoke … on profile removal", through the CLI (`gateway-tray profiles remove`). The app's
 * removal is checked in app-cloud-launch; this is the CLI's own path, against the real dockerd, the
 * stand-in gateway, a real etcd and the real control plane in-process. The profile is a cloud profile
 * on that control plane, with its token in the home's one secret store.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { profilesCommand } from '../../src/cli/commands/profiles.ts';
import { openHomeSecretStore } from '../../src/core/credentials/home-secret-store.ts';
import { profileTokenKey } from '../../src/core/credentials/secret-store.ts';
import { readTlsBundle, tlsBundleDir } from '../../src/core/credentials/tls-bundle.ts';
import { inspectCertificate } from '../../src/core/credentials/x509-inspect.ts';
import { launchGateway } from '../../src/core/gateway/launch.ts';
import { stopGateway } from '../../src/core/gateway/stop.ts';
import { STANDIN_IMAGE, TEST_DOCKER_SOCKET } from '../helpers/docker.ts';
import { captureIO } from '../helpers/capture-io.ts';
import { freeProfilePorts, startLaunchWorld, type LaunchWorld } from './launch-setup.ts';

let w: LaunchWorld;
before(async () => {
  w = await startLaunchWorld('audit-remove-revoke');
});
after(async () => {
  await w?.cleanup();
});

test('profiles remove revokes the certificate of the profile\'s gateway at its control plane, deletes the bundle, and says so', { timeout: 120_000 }, async () => {
  // No session bus: the home's store is the encrypted file, as on a headless machine.
  const env = { PATH: process.env.PATH, HOME: '/nonexistent', GATEWAY_TRAY_HOME: w.home, DOCKER_HOST: `unix://${TEST_DOCKER_SOCKET}` };
  const team = w.store.add({ name: 'team', kind: 'cloud', apiUrl: w.h.cp.apiUrl, image: STANDIN_IMAGE, ports: await freeProfilePorts() });
  const { store } = await openHomeSecretStore({ home: w.home, env, platform: 'linux' });
  await store.set(profileTokenKey('team'), w.h.token);

  const launched = await launchGateway(w.ctx({ profile: team }));
  const where = { home: w.home, profile: 'team', instanceId: launched.instanceId };
  const serial = inspectCertificate(readTlsBundle(where)!.bundle.certificate).serialHex;
  await stopGateway(w.engine, { home: w.home, profile: 'team' });
  assert.ok(existsSync(tlsBundleDir(where)), 'a plain stop keeps the certificate');

  const io = captureIO(env);
  assert.equal(await profilesCommand.run(['remove', 'team'], io), 0, io.stderr());
  assert.match(io.stderr(), new RegExp(`Revoked its gateway certificate ${serial}`, 'i'));
  assert.ok(w.h.logs.some((l) => l.includes(`revoked client certificate ${serial}`)), 'the control plane revoked it');
  assert.ok(!existsSync(tlsBundleDir(where)), 'the bundle is deleted');
  assert.equal(await store.get(profileTokenKey('team')), undefined, 'and the token is gone from the home store');
  assert.ok(!w.store.list().some((p) => p.name === 'team'), 'the profile is removed');
});
