/**
 * The control plane's automatic recreate of a stale gateway at app start (its config names the old
 * data-plane port) and a launch the user clicks at the same moment take turns (LaunchTurns): the launch
 * waits for the recreate, says what it waits for, then adopts the gateway the recreate made. One
 * container at the end. The app service with its in-process host, the real dockerd, the app's own
 * etcd, the stand-in gateway and the real agent.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LaunchProgressEvent } from '../../src/contract/ipc-contract.ts';
import { createAppService, type AppService } from '../../src/core/app/app-service.ts';
import { FileSecretStore } from '../../src/core/credentials/file-secret-store.ts';
import { ProfileStore } from '../../src/core/credentials/profile-store.ts';
import { readRememberedPorts, rememberPorts } from '../../src/core/gateway/control-plane-ports.ts';
import { STALE_CHECK_TURN } from '../../src/core/gateway/stale-gateways.ts';
import { STANDIN_IMAGE, TEST_DOCKER_SOCKET, TEST_LABEL, ensureStandinImage, freePort, removeContainersByLabel, testDocker, testRunId } from '../helpers/docker.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { freeProfilePorts } from './launch-setup.ts';

const RUN = testRunId('stale-turns');
const caller = { clientId: 'stale-turns-test' };
let home: string;
let env: NodeJS.ProcessEnv;
let secrets: FileSecretStore;
let service: AppService | undefined;

async function startApp(portWaitMs?: number) {
  const notices: string[] = [];
  const progress: LaunchProgressEvent[] = [];
  service = await createAppService({ env, transport: 'web', secrets, labels: { [TEST_LABEL]: RUN }, ...(portWaitMs !== undefined ? { portWaitMs } : {}) });
  service.subscribe((name, payload) => {
    if (name === 'notice') notices.push((payload as { message: string }).message);
    if (name === 'launchProgress') progress.push(payload as LaunchProgressEvent);
  });
  return { service, notices, progress };
}

async function ourContainers() {
  return (await testDocker()).listContainers({ all: true, filters: { label: [`${TEST_LABEL}=${RUN}`] } });
}

before(async () => {
  await ensureStandinImage(await testDocker());
  home = await mkdtemp(join(tmpdir(), 'gt-stale-turns-'));
  mkdirSync(join(home, 'control-plane'), { recursive: true, mode: 0o700 });
  rememberPorts(join(home, 'control-plane'), { apiPort: await freePort(), dpPort: await freePort() });
  new ProfileStore({ home }).update('local', { image: STANDIN_IMAGE, ports: await freeProfilePorts() });
  env = { ...process.env, GATEWAY_TRAY_HOME: home, DOCKER_HOST: `unix://${TEST_DOCKER_SOCKET}`, PATH: `/usr/bin:/bin:${process.env.PATH ?? ''}` };
  secrets = new FileSecretStore({ home: join(home, 'app-store') });
});

after(async () => {
  await service?.dispose().catch(() => undefined);
  await removeContainersByLabel(await testDocker(), TEST_LABEL, RUN).catch(() => undefined);
  await rm(home, { recursive: true, force: true });
});

test('a launch clicked while the app recreates a stale gateway waits for it, then adopts it: one container', { timeout: 240_000 }, async () => {
  const first = await startApp();
  const launched = await first.service.handlers.launch(undefined, caller);
  assert.equal(launched.adopted, false);
  await first.service.dispose();
  service = undefined;

  // The remembered data-plane port taken while the app is away: at start it moves, and the running
  // gateway's config names the old address, so the control plane recreates it.
  const oldPort = readRememberedPorts(join(home, 'control-plane'))!.dpPort;
  const squatter: Server = createServer();
  await new Promise<void>((resolve) => squatter.listen(oldPort, '127.0.0.1', resolve));
  try {
    const second = await startApp(1500);
    const staleSaid = (n: string) => n.startsWith('Profile "local": The gateway\'s config names') && n.includes('re-rendering config.yaml and recreating the container');
    const recreatedSaid = (n: string) => n.startsWith('Profile "local": recreated its gateway as ');
    await waitFor(() => second.notices.some(staleSaid), { timeoutMs: 60_000, intervalMs: 50, what: `the recreate to begin (notices: ${second.notices.join(' | ')})` });
    assert.ok(!second.notices.some(recreatedSaid), 'the recreate is still under way when the user clicks Launch');

    const outcome = await second.service.handlers.launch(undefined, caller);
    const waited = second.progress.find((p) => p.status === 'progress' && p.message.startsWith('Waiting for'));
    assert.ok(waited, `the launch said it waited: ${second.progress.map((p) => `${p.stage} ${p.status} ${p.message}`).join(' | ')}`);
    assert.equal(waited.message, `Waiting for ${STALE_CHECK_TURN} of profile "local" to finish`);
    assert.ok(second.notices.some(recreatedSaid), `the recreate finished first: ${second.notices.join(' | ')}`);
    assert.equal(outcome.adopted, true, 'the launch adopted the recreated gateway rather than making another');
    assert.notEqual(outcome.containerId, launched.containerId, 'the stale container was replaced');

    const containers = await ourContainers();
    assert.equal(containers.length, 1, `one container: ${containers.map((c) => `${c.Names.join(',')} ${c.State}`).join('; ')}`);
    assert.equal(containers[0]!.Id, outcome.containerId);
    assert.equal(containers[0]!.State, 'running');
  } finally {
    await new Promise<void>((resolve) => squatter.close(() => resolve()));
  }
});
