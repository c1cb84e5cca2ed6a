/**
 * The app service with a cloud profile, against the real control plane (as a cloud one, over its
 * management API) and a real etcd: the token is checked before it is kept and never lands in a settings
 * file, switching profiles re-opens the session, and routes go through the management API.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppService, type AppService } from '../../src/core/app/app-service.ts';
import { startHarness, type Harness } from '../helpers/control-plane.ts';

let h: Harness;
let home: string;
let service: AppService;
const caller = { clientId: 'test' };

before(async () => {
  h = await startHarness();
  home = await mkdtemp(join(tmpdir(), 'gt-app-cloud-'));
  service = await createAppService({ env: { ...process.env, GATEWAY_TRAY_HOME: home }, transport: 'web', hostControlPlane: false });
});
after(async () => {
  await service?.dispose();
  await h?.cleanup();
  await rm(home, { recursive: true, force: true });
});

test('a cloud profile with a wrong token is refused with what to check', async () => {
  await assert.rejects(
    service.handlers.addProfile({ name: 'team', kind: 'cloud', apiUrl: h.cp.apiUrl, token: 'not-the-token' }, caller),
    /did not accept the token.*check the address and the token/,
  );
  const names = (await service.handlers.listProfiles(undefined, caller)).map((p) => p.name);
  assert.deepEqual(names, ['local']);
});

test('with the right token it is kept in the secret store, never in a settings file', async () => {
  const view = await service.handlers.addProfile({ name: 'team', kind: 'cloud', apiUrl: h.cp.apiUrl, token: h.token }, caller);
  assert.equal(view.hasToken, true);
  assert.equal(view.isDefault, false);
  for (const f of await readdir(home)) {
    if (!f.endsWith('.json')) continue;
    assert.ok(!(await readFile(join(home, f), 'utf8')).includes(h.token), `${f} holds no token`);
  }
});

test("the profile's module setting: auto by default, changed through the app, kept in settings", async () => {
  assert.equal((await service.handlers.listProfiles(undefined, caller)).find((p) => p.name === 'team')?.module, 'auto');
  const changed = await service.handlers.updateProfile({ name: 'team', module: 'api7' }, caller);
  assert.equal(changed.module, 'api7');
  const settings = JSON.parse(await readFile(join(home, 'settings.json'), 'utf8')) as { version: number; profiles: Record<string, { module: string }> };
  assert.equal(settings.version, 3);
  assert.equal(settings.profiles.team?.module, 'api7');
  await assert.rejects(service.handlers.updateProfile({ name: 'team', module: 'cloud' }, caller), /module: the module is one of auto, open-agent, api7/);
  assert.equal((await service.handlers.updateProfile({ name: 'team', module: 'auto' }, caller)).module, 'auto');
});

test('switching to it re-opens the session on the cloud control plane', async () => {
  const used = await service.handlers.useProfile({ name: 'team' }, caller);
  assert.equal(used.isDefault, true);
  const snap = await service.handlers.getStatus(undefined, caller);
  assert.equal(snap.profile.name, 'team');
  assert.equal(snap.profile.kind, 'cloud');
  assert.equal(snap.status.state, 'stopped', 'nothing was launched for this profile');
});

test('routes go through the management API; with no gateway their applied state is unknown', async () => {
  const put = await service.handlers.putRoute({ path: '/from-app', upstream: 'http://10.0.0.9:8080' }, caller);
  assert.equal(put.path, '/from-app');
  assert.equal(put.upstream, 'http://10.0.0.9:8080');
  assert.equal(put.applied, 'unknown');
  const [clusterId] = (await h.client.clusters((await h.client.me()).org_ids[0]!)).map((c) => c.id);
  const stored = await h.client.route(clusterId!, put.id);
  assert.equal(stored.uri, '/from-app');
  assert.deepEqual((await service.handlers.listRoutes(undefined, caller)).map((r) => r.id), [put.id]);
  await service.handlers.deleteRoute({ id: put.id }, caller);
  assert.deepEqual(await service.handlers.listRoutes(undefined, caller), []);
});

test('logs without a gateway say to launch first', async () => {
  await assert.rejects(service.handlers.tailLogs({ lines: 10 }, caller), /launch the gateway first/);
});
