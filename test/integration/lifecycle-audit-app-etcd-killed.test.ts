/**
 * Issue 10, fault test "etcd killed", in the desktop app (the app service with its in-process control
 * plane, as the desktop app and `ui --web` run it), against the real dockerd, the app's own etcd
 * (/usr/bin/etcd), the stand-in gateway and the real agent. The home's supervisor notices the dead etcd
 * and starts it again by itself, on the same data and address, so the gateway is Healthy again with no
 * action; the app has to stop the etcd it restarted when it quits.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppService, type AppService } from '../../src/core/app/app-service.ts';
import { CloudClient } from '../../src/core/cloud/client.ts';
import { FileSecretStore } from '../../src/core/credentials/file-secret-store.ts';
import { ProfileStore } from '../../src/core/credentials/profile-store.ts';
import { alive } from '../../src/core/gateway/background-process.ts';
import { rememberPorts } from '../../src/core/gateway/control-plane-ports.ts';
import { readEtcdRecord, writeEtcdRecord } from '../../src/core/gateway/etcd-record.ts';
import { locateLocalControlPlane } from '../../src/core/gateway/local-control-plane.ts';
import { STANDIN_IMAGE, TEST_DOCKER_SOCKET, TEST_LABEL, ensureStandinImage, freePort, removeContainersByLabel, testDocker, testRunId } from '../helpers/docker.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { freeProfilePorts } from './launch-setup.ts';

const RUN = testRunId('audit-app-etcd');
const caller = { clientId: 'audit-app-etcd' };
let home: string;
let service: AppService | undefined;
const etcdPids: number[] = [];

function etcdPid(): number {
  const r = readEtcdRecord(home);
  assert.ok(r && 'pid' in r, `an etcd process recorded for this home (${JSON.stringify(r)})`);
  if (!etcdPids.includes(r.pid)) etcdPids.push(r.pid);
  return r.pid;
}

before(async () => {
  await ensureStandinImage(await testDocker());
  home = await mkdtemp(join(tmpdir(), 'gt-audit-app-etcd-'));
  mkdirSync(join(home, 'control-plane'), { recursive: true, mode: 0o700 });
  rememberPorts(join(home, 'control-plane'), { apiPort: await freePort(), dpPort: await freePort() });
  new ProfileStore({ home }).update('local', { image: STANDIN_IMAGE, ports: await freeProfilePorts() });
  // Other suites on this machine start etcds on 2379 too: an earlier run's record (its etcd long gone)
  // gives this home its own address, which a dead recorded etcd comes back on.
  const gone = spawnSync(process.execPath, ['-e', '']).pid;
  writeEtcdRecord(home, { url: `https://127.0.0.1:${await freePort()}`, pid: gone });
});

after(async () => {
  await service?.dispose().catch(() => undefined);
  for (const pid of etcdPids) if (alive(pid)) process.kill(pid, 'SIGKILL');
  await removeContainersByLabel(await testDocker(), TEST_LABEL, RUN).catch(() => undefined);
  await rm(home, { recursive: true, force: true });
});

test(
  'etcd killed under the app: the supervisor restarts it by itself on the same data and address, the route stays, Healthy again with no action; the Components snapshot says so; quitting stops the new etcd',
  { timeout: 240_000 },
  async (t) => {
    const env = { ...process.env, GATEWAY_TRAY_HOME: home, DOCKER_HOST: `unix://${TEST_DOCKER_SOCKET}`, PATH: `/usr/bin:/bin:${process.env.PATH ?? ''}` };
    const logs: string[] = [];
    service = await createAppService({ env, transport: 'web', secrets: new FileSecretStore({ home: join(home, 'app-store') }), labels: { [TEST_LABEL]: RUN }, log: (l) => logs.push(l) });
    const launched = await service.handlers.launch(undefined, caller);
    const found = await locateLocalControlPlane(home);
    assert.ok('info' in found);
    const client = new CloudClient({ baseUrl: found.info.apiUrl, token: found.token });
    await client.putRoute(found.info.clusterId, 'audit-kept', { uri: '/audit-kept', upstream: { type: 'roundrobin', nodes: { '127.0.0.1:1': 1 } } });

    const before = (await service.handlers.components(undefined, caller)).find((c) => c.id === 'etcd');
    assert.ok(before, 'an etcd component in the snapshot');
    const killed = etcdPid();
    assert.equal(before.pid, killed, 'the snapshot names the recorded etcd pid');
    assert.equal(before.phase, 'running');
    const killedUrl = readEtcdRecord(home)!.url;
    process.kill(killed, 'SIGKILL');

    // No Launch, no refresh: only the supervisor's own timer (and the watcher's own polling) runs.
    const restarted = await waitFor(() => {
      const r = readEtcdRecord(home);
      return r && 'pid' in r && r.pid !== killed && alive(r.pid) ? r.pid : undefined;
    }, { timeoutMs: 60_000, intervalMs: 250, what: 'the supervisor to start etcd again by itself' });
    etcdPids.push(restarted);
    assert.equal(readEtcdRecord(home)!.url, killedUrl, 'on the same address, so the running control plane reconnects');
    t.diagnostic(logs.filter((l) => l.startsWith('etcd')).join(' | '));
    const kept = await waitFor(async () => client.route(found.info.clusterId, 'audit-kept').catch(() => undefined), { timeoutMs: 20_000, what: 'the route through the restarted etcd (the same data)' });
    assert.equal(kept.uri, '/audit-kept');
    await waitFor(async () => (service!.currentStatus()?.state === 'healthy' ? true : undefined), { timeoutMs: 90_000, intervalMs: 500, what: 'Healthy again with no action' });

    const after = (await service.handlers.components(undefined, caller)).find((c) => c.id === 'etcd')!;
    assert.equal(after.phase, 'running');
    assert.equal(after.pid, restarted);
    assert.ok(after.restarts >= 1, `one restart counted (${JSON.stringify(after)})`);
    const again = await service.handlers.launch(undefined, caller);
    assert.equal(again.containerId, launched.containerId, 'the same container');

    // The Components view's Restart (after its confirmation): etcd again, same address; the control plane hosted here is refused.
    const byHand = await service.handlers.restartComponent({ id: 'etcd' }, caller);
    assert.equal(byHand.phase, 'running');
    assert.notEqual(byHand.pid, restarted, 'a new etcd process');
    assert.equal(byHand.url, killedUrl);
    etcdPids.push(byHand.pid!);
    assert.equal(alive(restarted), false, 'the old one was stopped first');
    await assert.rejects(service.handlers.restartComponent({ id: 'control-plane' }, caller), /not run by this app/);
    await waitFor(async () => client.route(found.info.clusterId, 'audit-kept').catch(() => undefined), { timeoutMs: 20_000, what: 'the route after a Restart' });

    await service.dispose();
    service = undefined;
    await waitFor(() => !alive(byHand.pid!), { timeoutMs: 15_000, what: 'the app to stop the etcd it restarted when it quits' });
  },
);
