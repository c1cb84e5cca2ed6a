/**
 * Faults around the CLI's background control plane, against the real dockerd, the app's own etcd, the
 * stand-in gateway, the real agent and `gateway-tray` itself as a child process. One home, in order; each
 * test leaves the gateway running for the next:
 * - the background control plane restarted (stopped, then `launch` starts it again): heartbeats resume
 *   on the same container;
 * - restarted with its old data-plane port taken: it moves, and `launch` re-renders config.yaml and
 *   recreates the container, saying so;
 * - simulated sleep: SIGSTOP the process that hosts the control plane for longer than the lost threshold
 *   (GATEWAY_TRAY_LOST_AFTER, shortened here): Lost, then Healthy by itself after SIGCONT.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudClient } from '../../src/core/cloud/client.ts';
import { ProfileStore } from '../../src/core/credentials/profile-store.ts';
import { DockerEngine } from '../../src/core/engine/engine.ts';
import { alive } from '../../src/core/gateway/background-process.ts';
import { readBackgroundRecord } from '../../src/core/gateway/background-record.ts';
import { readRememberedPorts, rememberPorts } from '../../src/core/gateway/control-plane-ports.ts';
import { readInstanceId } from '../../src/core/gateway/instance-lookup.ts';
import { locateLocalControlPlane } from '../../src/core/gateway/local-control-plane.ts';
import { instancePaths } from '../../src/core/gateway/paths.ts';
import type { GatewayStatus } from '../../src/core/status/gateway-status.ts';
import { StatusWatcher } from '../../src/core/status/status-watcher.ts';
import { STANDIN_IMAGE, TEST_DOCKER_SOCKET, ensureStandinImage, freePort, testDocker } from '../helpers/docker.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { freeProfilePorts } from './launch-setup.ts';
import { runCliProcess } from '../helpers/cli-process.ts';

/** Above the agent's 10 s heartbeat interval with room to spare, well below the default 30 s. */
const LOST_AFTER_MS = 15_000;

let home: string;
let env: NodeJS.ProcessEnv;
const engine = new DockerEngine({ protocol: 'unix', url: `unix://${TEST_DOCKER_SOCKET}`, socketPath: TEST_DOCKER_SOCKET }, 'test');
const cpDir = () => join(home, 'control-plane');

const cli = (...args: string[]) => runCliProcess(env, ...args);

async function located() {
  const found = await locateLocalControlPlane(home);
  assert.ok('info' in found, 'a control plane answers');
  return { ...found, client: new CloudClient({ baseUrl: found.info.apiUrl, token: found.token }) };
}

const instanceId = (): string => {
  const id = readInstanceId(home, 'local');
  assert.ok(id);
  return id;
};
const containers = () => engine.findManaged({ profile: 'local', instanceId: instanceId() });

/** Waits for a heartbeat that reached the live control plane after `since`. */
async function heartbeatAfter(since: number, what: string): Promise<void> {
  await waitFor(
    async () => {
      const { client, info } = await located();
      return Date.parse((await client.instance(info.clusterId, instanceId())).last_seen_time) > since;
    },
    { timeoutMs: 45_000, intervalMs: 500, what },
  );
}

before(async () => {
  await ensureStandinImage(await testDocker());
  home = await mkdtemp(join(tmpdir(), 'gt-lifecycle-faults-'));
  mkdirSync(cpDir(), { recursive: true, mode: 0o700 });
  rememberPorts(cpDir(), { apiPort: await freePort(), dpPort: await freePort() });
  new ProfileStore({ home }).update('local', { image: STANDIN_IMAGE, ports: await freeProfilePorts() });
  env = {
    ...process.env,
    GATEWAY_TRAY_HOME: home,
    DOCKER_HOST: `unix://${TEST_DOCKER_SOCKET}`,
    PATH: `/usr/bin:/bin:${process.env.PATH ?? ''}`,
    GATEWAY_TRAY_LOST_AFTER: `${LOST_AFTER_MS / 1000}s`,
  };
});

after(async () => {
  const bg = readBackgroundRecord(home);
  if (bg && alive(bg.pid)) process.kill(bg.pid, 'SIGCONT');
  await cli('control-plane', 'stop');
  const id = readInstanceId(home, 'local');
  if (id) for (const c of await engine.findManaged({ profile: 'local', instanceId: id }).catch(() => [])) await (await testDocker()).getContainer(c.id).remove({ force: true }).catch(() => undefined);
  await rm(home, { recursive: true, force: true });
});

test('the background control plane restarted: launch adopts the same container and its heartbeats resume', { timeout: 180_000 }, async (t) => {
  const first = await cli('launch');
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /^Launched /m);
  const [c] = await containers();
  assert.ok(c);
  const stop = await cli('control-plane', 'stop');
  assert.equal(stop.code, 0, stop.stderr);

  const restartedAt = Date.now();
  const again = await cli('launch');
  assert.equal(again.code, 0, again.stderr);
  t.diagnostic(`launch after the restart says:\n${again.stdout}${again.stderr}`);
  assert.match(again.stdout, new RegExp(`^Already running; adopted \\S+ \\(${c.id.slice(0, 12)}\\)`, 'm'));
  assert.doesNotMatch(again.stderr, /re-rendering/);
  await heartbeatAfter(restartedAt, 'a heartbeat to the restarted control plane');
  assert.deepEqual((await containers()).map((x) => x.id), [c.id], 'the same container');
});

test('restarted with its old data-plane port taken: it moves, and launch re-renders and recreates the gateway, saying so', { timeout: 180_000 }, async (t) => {
  const [old] = await containers();
  assert.ok(old);
  const oldPort = readRememberedPorts(cpDir())!.dpPort;
  assert.equal((await cli('control-plane', 'stop')).code, 0);
  const squatter: Server = createServer();
  await new Promise<void>((resolve) => squatter.listen(oldPort, '127.0.0.1', resolve));
  try {
    const restartedAt = Date.now();
    const r = await cli('launch');
    t.diagnostic(`launch with the port taken says:\n${r.stdout}${r.stderr}`);
    assert.equal(r.code, 0, r.stderr);
    const newPort = readRememberedPorts(cpDir())!.dpPort;
    assert.notEqual(newPort, oldPort);
    assert.match(r.stderr, new RegExp(`data-plane endpoint port ${oldPort} is taken by pid ${process.pid} \\(.*\\); waiting up to 10 s for it to be free`));
    assert.match(r.stderr, new RegExp(`data-plane endpoint port ${oldPort} is still taken by pid ${process.pid} .* after 10 s; moving to a free port\\.`));
    assert.match(r.stderr, new RegExp(`data-plane endpoint moved from port ${oldPort} to ${newPort} \\(remembered in `));
    assert.match(r.stderr, new RegExp(`config names https://host\\.docker\\.internal:${oldPort}, but the control plane now listens at https://host\\.docker\\.internal:${newPort}: re-rendering config\\.yaml and recreating the container`));
    assert.match(r.stdout, /^Launched /m, 'not "adopted"');
    const [now] = await containers();
    assert.ok(now && now.id !== old.id, 'a new container');
    assert.match(readFileSync(instancePaths(home, 'local', 'default').configFile, 'utf8'), new RegExp(`host\\.docker\\.internal:${newPort}\\b`));
    assert.equal(readBackgroundRecord(home)?.dpPort, newPort);
    await heartbeatAfter(restartedAt, 'heartbeats on the new port');
  } finally {
    await new Promise<void>((resolve) => squatter.close(() => resolve()));
  }
});

test('simulated sleep: the control plane\'s process stopped longer than the lost threshold shows Lost, then Healthy by itself', { timeout: 180_000 }, async (t) => {
  const bg = readBackgroundRecord(home);
  assert.ok(bg && alive(bg.pid));
  const { client } = await located();
  const watcher = new StatusWatcher({ engine, home, profile: 'local', client, lostAfterMs: LOST_AFTER_MS });
  const seen: GatewayStatus[] = [];
  watcher.on('status', (s) => seen.push(s));
  const release = watcher.look();
  watcher.start();
  try {
    await waitFor(() => watcher.current?.state === 'healthy', { timeoutMs: 30_000, what: 'Healthy before the sleep' });
    process.kill(bg.pid, 'SIGSTOP');
    let lost: GatewayStatus;
    try {
      lost = await waitFor(() => (watcher.current?.state === 'lost' ? watcher.current : undefined), { timeoutMs: 60_000, intervalMs: 250, what: 'Lost while the control plane sleeps' });
    } finally {
      process.kill(bg.pid, 'SIGCONT');
    }
    const wokeAt = Date.now();
    t.diagnostic(`while asleep: ${lost.state}: ${lost.reasons.map((r) => r.message).join(' | ')}`);
    assert.match(lost.reasons[0]?.message ?? '', /No heartbeat has reached the control plane for \d+ s/);
    const back = await waitFor(() => (watcher.current?.state === 'healthy' ? watcher.current : undefined), { timeoutMs: 45_000, intervalMs: 250, what: 'Healthy by itself after SIGCONT' });
    const states = seen.map((s) => s.state).filter((s, i, all) => i === 0 || all[i - 1] !== s);
    t.diagnostic(`states: ${states.join(' → ')}; healthy again ${Date.now() - wokeAt} ms after SIGCONT`);
    const [firstHealthy, lostAt] = [states.indexOf('healthy'), states.indexOf('lost')];
    assert.ok(firstHealthy >= 0 && lostAt > firstHealthy && states.at(-1) === 'healthy', `Healthy, Lost while asleep, Healthy again: ${states.join(' → ')}`);
    assert.equal(back.containerId, (await containers())[0]?.id, 'the same container, no action taken');
    await heartbeatAfter(wokeAt, 'a heartbeat after the wake-up');
  } finally {
    release();
    watcher.dispose();
  }
});
