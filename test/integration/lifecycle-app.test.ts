/**
 * The desktop app's control plane across restarts (the app service with its in-process host, as the
 * desktop app and `ui --web` run it), against the real dockerd, the app's own etcd, the stand-in gateway
 * and the real agent. One home, in order; each test leaves the gateway running for the next:
 * - app restart: the gateway is adopted, Healthy, on the same container, and its heartbeats resume;
 * - app restart while the remembered data-plane port is taken: the control plane waits, moves to a free
 *   port, remembers it, re-renders the gateway's config and recreates its container, and says so;
 * - Docker appears after the app started: the control plane starts listening on the bridge address,
 *   and a launch works without restarting the app.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createConnection, createServer, type Server } from 'node:net';
import type { Duplex } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppService, type AppService } from '../../src/core/app/app-service.ts';
import { CloudClient } from '../../src/core/cloud/client.ts';
import { FileSecretStore } from '../../src/core/credentials/file-secret-store.ts';
import { ProfileStore } from '../../src/core/credentials/profile-store.ts';
import { readRememberedPorts, rememberPorts } from '../../src/core/gateway/control-plane-ports.ts';
import { readInstanceId } from '../../src/core/gateway/instance-lookup.ts';
import { locateLocalControlPlane } from '../../src/core/gateway/local-control-plane.ts';
import { instancePaths } from '../../src/core/gateway/paths.ts';
import { STANDIN_IMAGE, TEST_DOCKER_SOCKET, TEST_LABEL, ensureStandinImage, freePort, occupyPort, removeContainersByLabel, testDocker, testRunId } from '../helpers/docker.ts';
import { splice } from '../helpers/splice.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { freeProfilePorts } from './launch-setup.ts';

const RUN = testRunId('lifecycle-app');
const caller = { clientId: 'lifecycle-test' };
let home: string;
let env: NodeJS.ProcessEnv;
let secrets: FileSecretStore;
const cpDir = () => join(home, 'control-plane');

interface App {
  service: AppService;
  logs: string[];
  notices: string[];
}
let app: App | undefined;

async function startApp(more: { env?: NodeJS.ProcessEnv; portWaitMs?: number } = {}): Promise<App> {
  const logs: string[] = [];
  const notices: string[] = [];
  const service = await createAppService({
    env: more.env ?? env,
    transport: 'web',
    secrets,
    labels: { [TEST_LABEL]: RUN },
    log: (l) => logs.push(l),
    ...(more.portWaitMs !== undefined ? { portWaitMs: more.portWaitMs } : {}),
  });
  service.subscribe((name, payload) => {
    if (name === 'notice') notices.push((payload as { message: string }).message);
  });
  app = { service, logs, notices };
  return app;
}

async function quitApp(): Promise<void> {
  await app?.service.dispose();
  app = undefined;
}

async function snapshot(a: App) {
  return a.service.handlers.refreshStatus(undefined, caller);
}

/** The instance's last heartbeat as the control plane that answers now has it. */
async function lastSeen(): Promise<number> {
  const found = await locateLocalControlPlane(home);
  assert.ok('info' in found, 'a control plane answers');
  const client = new CloudClient({ baseUrl: found.info.apiUrl, token: found.token });
  const instanceId = readInstanceId(home, 'local');
  assert.ok(instanceId);
  return Date.parse((await client.instance(found.info.clusterId, instanceId)).last_seen_time);
}

/** Healthy, with a heartbeat that reached the control plane after `since`. */
async function healthyAfter(a: App, since: number, what: string) {
  return waitFor(
    async () => {
      const s = await snapshot(a);
      return s.status.state === 'healthy' && (await lastSeen()) > since ? s : undefined;
    },
    { timeoutMs: 45_000, intervalMs: 500, what },
  );
}

before(async () => {
  await ensureStandinImage(await testDocker());
  home = await mkdtemp(join(tmpdir(), 'gt-lifecycle-app-'));
  // Ports of this home chosen up front: 7080 and 7443 are anyone's on a shared machine.
  mkdirSync(cpDir(), { recursive: true, mode: 0o700 });
  rememberPorts(cpDir(), { apiPort: await freePort(), dpPort: await freePort() });
  new ProfileStore({ home }).update('local', { image: STANDIN_IMAGE, ports: await freeProfilePorts() });
  env = { ...process.env, GATEWAY_TRAY_HOME: home, DOCKER_HOST: `unix://${TEST_DOCKER_SOCKET}`, PATH: `/usr/bin:/bin:${process.env.PATH ?? ''}` };
  secrets = new FileSecretStore({ home: join(home, 'app-store') });
});

after(async () => {
  await quitApp().catch(() => undefined);
  await removeContainersByLabel(await testDocker(), TEST_LABEL, RUN).catch(() => undefined);
  await rm(home, { recursive: true, force: true });
});

test('app restart: the gateway is adopted, Healthy, on the same container, and heartbeats again', { timeout: 180_000 }, async () => {
  const first = await startApp();
  const launched = await first.service.handlers.launch(undefined, caller);
  assert.equal(launched.adopted, false);
  await quitApp();
  assert.ok(first.logs.some((l) => /^Stopped the etcd this app started/.test(l)), 'the app took its etcd with it');

  const restartedAt = Date.now();
  const second = await startApp();
  const s = await healthyAfter(second, restartedAt, 'Healthy with a heartbeat after the app restart');
  assert.equal(s.status.containerId, launched.containerId, 'the same container');
  assert.equal(second.notices.length, 0, `nothing to tell: ${second.notices.join(' | ')}`);
  const again = await second.service.handlers.launch(undefined, caller);
  assert.equal(again.adopted, true);
  assert.equal(again.containerId, launched.containerId);
});

test('app restart with its data-plane port taken: it waits, moves, remembers, recreates the gateway and says so', { timeout: 180_000 }, async (t) => {
  const before = await snapshot(app!);
  const oldPort = readRememberedPorts(cpDir())!.dpPort;
  await quitApp();
  // Whatever took the port meanwhile: here this test's own process, so /proc names it.
  const squatter = await occupyPort(oldPort);
  try {
    const restartedAt = Date.now();
    const a = await startApp({ portWaitMs: 1500 });
    const log = () => a.logs.join('\n');
    assert.match(log(), new RegExp(`data-plane endpoint port ${oldPort} is taken by pid ${process.pid} \\(.*node.*\\); waiting up to 2 s`));
    assert.match(log(), new RegExp(`data-plane endpoint port ${oldPort} is still taken by pid ${process.pid} .* after 2 s; moving to a free port`));
    const newPort = readRememberedPorts(cpDir())!.dpPort;
    assert.notEqual(newPort, oldPort, 'moved');
    assert.match(log(), new RegExp(`data-plane endpoint moved from port ${oldPort} to ${newPort} \\(remembered in .*ports\\.json\\)`));
    // The toast-able notices, as events: the recreate comes after the service is up.
    const recreated = await waitFor(() => a.notices.find((n) => /^Profile "local": recreated its gateway as /.test(n)), { timeoutMs: 90_000, intervalMs: 250, what: 'the recreate notice' });
    assert.ok(
      a.notices.some((n) => n.includes(`config names https://host.docker.internal:${oldPort}, but the control plane now listens at https://host.docker.internal:${newPort}: re-rendering config.yaml and recreating the container`)),
      a.notices.join('\n'),
    );
    assert.match(recreated, new RegExp(`it heartbeats again at https://host\\.docker\\.internal:${newPort}`));
    assert.ok(
      a.notices.some((n) => n.startsWith(`The control plane's data-plane port ${oldPort} was taken by pid ${process.pid}`) && n.includes(`so it moved to ${newPort}`)),
      'the move itself is a notice too, kept for the first window although it came before any listened',
    );
    t.diagnostic(`the app logs:\n${a.logs.filter((l) => /port|Profile "local"/.test(l)).join('\n')}\nnotice events:\n${a.notices.join('\n')}`);
    const s = await healthyAfter(a, restartedAt, 'Healthy on the new port');
    assert.notEqual(s.status.containerId, before.status.containerId, 'a new container');
    assert.match(readFileSync(instancePaths(home, 'local', 'default').configFile, 'utf8'), new RegExp(`host\\.docker\\.internal:${newPort}\\b`));
    const containers = await (await testDocker()).listContainers({ all: true, filters: { label: [`${TEST_LABEL}=${RUN}`] } });
    assert.equal(containers.length, 1, 'the old container is gone');
  } finally {
    await squatter.close();
  }
});

/**
 * The real daemon behind a unix socket that answers only from `open()` on: to the app, Docker starts
 * after it did. (A private dockerd can't stand in here: it runs in a network namespace of its own with
 * no bridge network, so there is no bridge address on this host to listen on.)
 */
class DockerSocketThatAppears {
  readonly path: string;
  #server: Server | undefined;
  #open = new Set<Duplex>();
  constructor(dir: string) {
    this.path = join(dir, 'docker.sock');
  }
  async open(): Promise<void> {
    this.#server = createServer((client) => splice(client, createConnection(TEST_DOCKER_SOCKET), this.#open));
    await new Promise<void>((resolve) => this.#server!.listen(this.path, resolve));
  }
  async close(): Promise<void> {
    for (const s of this.#open) s.destroy();
    await new Promise<void>((resolve) => (this.#server ? this.#server.close(() => resolve()) : resolve()));
  }
}

test('Docker appears after the app started: the control plane starts listening on the bridge, and a launch works without restarting the app', { timeout: 180_000 }, async (t) => {
  await app!.service.handlers.stop(undefined, caller);
  await quitApp();
  const socket = new DockerSocketThatAppears(home);
  try {
    const a = await startApp({ env: { ...env, DOCKER_HOST: `unix://${socket.path}` } });
    assert.ok(a.logs.some((l) => /^Docker does not answer yet, so the control plane listens on loopback only until it does/.test(l)), a.logs.join('\n'));
    const down = await snapshot(a);
    assert.equal(down.status.engine.ready, false);

    await socket.open();
    const dpPort = readRememberedPorts(cpDir())!.dpPort;
    const said = await waitFor(() => a.notices.find((n) => n.startsWith('Docker answers now')), { timeoutMs: 60_000, intervalMs: 250, what: 'the app to notice Docker and listen on the bridge' });
    assert.match(said, new RegExp(`^Docker answers now: the control plane also listens for gateways on \\d+\\.\\d+\\.\\d+\\.\\d+:${dpPort}, so a launch works without restarting the app\\.$`));

    const launched = await a.service.handlers.launch(undefined, caller);
    t.diagnostic(`before: ${a.logs.find((l) => l.startsWith('Docker does not answer yet'))}\nthen: ${said}`);
    assert.equal(launched.adopted, false);
    assert.ok(launched.registeredAt, 'registered through the bridge');
    const s = await healthyAfter(a, Date.now() - 1000, 'Healthy after a launch with no app restart');
    assert.equal(s.status.containerId, launched.containerId);
  } finally {
    await quitApp();
    await socket.close();
  }
});
