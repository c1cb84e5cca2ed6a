/**
 * The desktop app's composition root with a cloud profile and a secret store that is not the CLI's
 * default: the token added through the app is the one launch, renew and the status watcher use, and
 * removing the profile deletes it from that same store. Renewing revokes the old serial once the new one
 * is accepted, and removing the profile revokes its certificate. Real Docker, etcd and control plane (as a
 * cloud one, over its management API); the stand-in gateway image.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppService, type AppService } from '../../src/core/app/app-service.ts';
import { existsSync } from 'node:fs';
import { FileSecretStore } from '../../src/core/credentials/file-secret-store.ts';
import { readTlsBundle } from '../../src/core/credentials/tls-bundle.ts';
import { inspectCertificate } from '../../src/core/credentials/x509-inspect.ts';
import { profileTokenKey } from '../../src/core/credentials/secret-store.ts';
import { STANDIN_IMAGE, TEST_LABEL } from '../helpers/docker.ts';
import { freeProfilePorts, startLaunchWorld, type LaunchWorld } from './launch-setup.ts';

let w: LaunchWorld;
let service: AppService;
let elsewhere: string;
let secrets: FileSecretStore;
const caller = { clientId: 'test' };
let currentSerial = '';
let instanceId = '';

before(async () => {
  w = await startLaunchWorld('app-cloud-launch');
  // Not the home's own store: the one the composition root was handed, as the shell hands the app's.
  elsewhere = await mkdtemp(join(tmpdir(), 'gt-other-store-'));
  secrets = new FileSecretStore({ home: elsewhere });
  service = await createAppService({
    env: { ...process.env, GATEWAY_TRAY_HOME: w.home, DOCKER_HOST: 'unix:///var/run/docker.sock' },
    transport: 'web',
    hostControlPlane: false,
    secrets,
    labels: { [TEST_LABEL]: w.run },
  });
});
after(async () => {
  await service?.dispose();
  await w?.cleanup();
  await rm(elsewhere, { recursive: true, force: true });
});

test('a cloud profile added in the app launches and renews with the token from the store the app was handed', async () => {
  await service.handlers.addProfile({ name: 'team', kind: 'cloud', apiUrl: w.h.cp.apiUrl, token: w.h.token, image: STANDIN_IMAGE, ports: await freeProfilePorts() }, caller);
  assert.equal(await secrets.get(profileTokenKey('team')), w.h.token);
  await service.handlers.useProfile({ name: 'team' }, caller);

  const outcome = await service.handlers.launch(undefined, caller);
  assert.equal(outcome.adopted, false);
  assert.ok(outcome.registeredAt, 'registered with the control plane');
  instanceId = outcome.instanceId;

  const where = { home: w.home, profile: 'team', instanceId: outcome.instanceId };
  const firstSerial = inspectCertificate(readTlsBundle(where)!.bundle.certificate).serialHex;
  const renewed = await service.handlers.renewCertificate(undefined, caller);
  assert.ok(w.h.logs.some((l) => l.includes(`revoked client certificate ${firstSerial}`)), 'the old serial is revoked once the new one is accepted');
  currentSerial = inspectCertificate(readTlsBundle(where)!.bundle.certificate).serialHex;
  assert.notEqual(currentSerial, firstSerial);
  assert.equal(renewed.restarted, true);
  assert.ok(Date.parse(renewed.notAfter) > Date.now());

  const snap = await service.handlers.refreshStatus(undefined, caller);
  assert.equal(snap.profile.hasToken, true);
  assert.equal(snap.status.containerId, outcome.containerId, 'the status watcher follows the gateway it launched');
});

test('set-token replaces the token in that store, checked first; removal deletes it there', async () => {
  await assert.rejects(service.handlers.setProfileToken({ name: 'team', token: 'not-the-token' }, caller), /did not accept the token/);
  assert.equal(await secrets.get(profileTokenKey('team')), w.h.token, 'a refused token changes nothing');
  await secrets.delete(profileTokenKey('team')); // as after a damaged secrets file
  assert.equal((await service.handlers.setProfileToken({ name: 'team', token: w.h.token }, caller)).hasToken, true);
  assert.equal(await secrets.get(profileTokenKey('team')), w.h.token);
  await service.handlers.useProfile({ name: 'local' }, caller);
  const removed = await service.handlers.removeProfile({ name: 'team', stopGateway: true }, caller);
  assert.equal(removed.removedContainers, 1);
  assert.ok(w.h.logs.some((l) => l.includes(`revoked client certificate ${currentSerial}`)), "the removed profile's certificate is revoked");
  assert.ok(!existsSync(join(w.home, 'instances', 'team', instanceId, 'tls')), 'and its bundle deleted');
  assert.equal(await secrets.get(profileTokenKey('team')), undefined);
});
