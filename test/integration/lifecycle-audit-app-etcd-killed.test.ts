/**
 * Issue 10, fault test "etcd killed", in the desktop app (the app service with its in-process control
 * plane, as the desktop app and `ui --web` run it), against the real dockerd, the app's own etcd
 * (/usr/bin/etcd), the stand-in gateway and the real agent. The status says config-centre-down and
 * offers Launch, "to restart the config centre"; that Launch has to do it, on the same data, and the
 * app has to stop the etcd it restarted when it quits.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
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
import { readEtcdRecord } from '../../src/core/gateway/etcd-record.ts';
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
});

after(async () => {
  await service?.dispose().catch(() => undefined);
  for (const pid of etcdPids) if (alive(pid)) process.kill(pid, 'SIGKILL');
  await removeContainersByLabel(await testDocker(), TEST_LABEL, RUN).catch(() => undefined);
  await rm(home, { recursive: true, force: true });
});

test(
  "etcd killed under the app: status says config-centre-down with Launch; Launch restarts etcd on the same data, the route stays, Healthy again; quitting stops the new etcd",
  { timeout: 240_000, todo: "bug: the app's Launch adopts the gateway and never restarts its etcd (GatewayActions asks the host for a control plane only when there is no client, and the host has no way to restart its etcd); the CLI's launch does (lifecycle-audit-etcd-killed)" },
  async (t) => {
    const env = { ...process.env, GATEWAY_TRAY_HOME: home, DOCKER_HOST: `unix://${TEST_DOCKER_SOCKET}`, PATH: `/usr/bin:/bin:${process.env.PATH ?? ''}` };
    const logs: string[] = [];
    service = await createAppService({ env, transport: 'web', secrets: new FileSecretStore({ home: join(home, 'app-store') }), labels: { [TEST_LABEL]: RUN }, log: (l) => logs.push(l) });
    const launched = await service.handlers.launch(undefined, caller);
    const found = await locateLocalControlPlane(home);
    assert.ok('info' in found);
    const client = new CloudClient({ baseUrl: found.info.apiUrl, token: found.token });
    await client.putRoute(found.info.clusterId, 'audit-kept', { uri: '/audit-kept', upstream: { type: 'roundrobin', nodes: { '127.0.0.1:1': 1 } } });

    const killed = etcdPid();
    process.kill(killed, 'SIGKILL');
    const down = await waitFor(async () => {
      const s = await service!.handlers.refreshStatus(undefined, caller);
      return s.status.reasons.some((r) => r.code === 'config-centre-down') ? s : undefined;
    }, { timeoutMs: 60_000, intervalMs: 1000, what: 'config-centre-down in the status' });
    t.diagnostic(`status while etcd is dead: ${down.status.state}: ${down.status.reasons.map((r) => r.message).join(' | ')}`);
    assert.equal(down.status.reasons.find((r) => r.code === 'config-centre-down')?.action, 'launch');

    const again = await service.handlers.launch(undefined, caller);
    assert.equal(again.containerId, launched.containerId, 'the same container');
    const restarted = etcdPid();
    assert.notEqual(restarted, killed, 'Launch started etcd again');
    assert.ok(alive(restarted));
    const kept = await waitFor(async () => client.route(found.info.clusterId, 'audit-kept').catch(() => undefined), { timeoutMs: 20_000, what: 'the route through the restarted etcd' });
    assert.equal(kept.uri, '/audit-kept');
    await waitFor(async () => ((await service!.handlers.refreshStatus(undefined, caller)).status.state === 'healthy' ? true : undefined), { timeoutMs: 60_000, intervalMs: 1000, what: 'Healthy again' });

    await service.dispose();
    service = undefined;
    await waitFor(() => !alive(restarted), { timeoutMs: 15_000, what: 'the app to stop the etcd it restarted when it quits' });
  },
);
