/**
 * The command line end to end, as a user runs it (each command a real `gateway-tray` process), against
 * a real dockerd, the stand-in image, a real etcd and `gateway-tray control-plane`:
 * launch returns once registered, status --json shows healthy with the ids and the last heartbeat,
 * stop turns it to stopped; a corrupted settings file is recovered; a cloud token never lands in a file
 * in plain text; and with no control plane running, launch starts one in the background.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bridgeGatewayAddress } from '../../src/core/gateway/bridge-gateway.ts';
import { ProfileStore } from '../../src/core/credentials/profile-store.ts';
import { LABEL_INSTANCE_ID } from '../../src/core/engine/labels.ts';
import { STANDIN_IMAGE, ensureStandinImage, freePort, removeContainersByLabel, testDocker } from '../helpers/docker.ts';
import { startEtcd, type RunningEtcd } from '../helpers/etcd.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { freeProfilePorts } from './launch-setup.ts';
import { CLI_ARGS } from '../helpers/cli-process.ts';

let etcd: RunningEtcd;
let bridge: string;
const homes: string[] = [];
const instanceIds: string[] = [];
const children: ChildProcess[] = [];
const pids: number[] = [];

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(home: string, args: string[], opts: { stdin?: string; timeoutMs?: number } = {}): Promise<Ran> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [...CLI_ARGS, ...args],
      { env: { ...process.env, GATEWAY_TRAY_HOME: home }, timeout: opts.timeoutMs ?? 120_000 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(opts.stdin ?? '');
  });
}

async function newHome(): Promise<string> {
  const home = await mkdtemp(join(tmpdir(), 'gt-cli-gw-'));
  homes.push(home);
  return home;
}

/** `gateway-tray control-plane` in the foreground of a child process, on free ports, loopback + bridge. */
async function startControlPlaneCli(home: string): Promise<{ apiPort: number; dpPort: number; child: ChildProcess }> {
  const [apiPort, dpPort] = [await freePort(), await freePort()];
  const child = spawn(
    process.execPath,
    [...CLI_ARGS, 'control-plane', '--api-listen', `127.0.0.1:${apiPort}`, '--dp-listen', `127.0.0.1:${dpPort}`, '--dp-listen', `${bridge}:${dpPort}`, '--etcd', etcd.url],
    { env: { ...process.env, GATEWAY_TRAY_HOME: home }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  await waitFor(() => existsSync(join(home, 'control-plane', 'control-plane.json')), { timeoutMs: 30_000, what: `the control plane to be ready (${stderr})` });
  return { apiPort, dpPort, child };
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

before(async () => {
  const docker = await testDocker();
  await ensureStandinImage(docker);
  bridge = await bridgeGatewayAddress(docker);
  etcd = await startEtcd();
});

after(async () => {
  const docker = await testDocker();
  for (const id of instanceIds) await removeContainersByLabel(docker, LABEL_INSTANCE_ID, id).catch(() => undefined);
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  await Promise.all(children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
  await etcd?.stop();
  for (const home of homes) await rm(home, { recursive: true, force: true });
});

test('with `gateway-tray control-plane` running: launch, status --json healthy, stop, status stopped', async () => {
  const home = await newHome();
  await startControlPlaneCli(home);
  const ports = await freeProfilePorts();
  const added = await cli(home, ['profiles', 'add', 'dev', '--image', STANDIN_IMAGE, '--http-port', String(ports.proxyHttp), '--https-port', String(ports.proxyHttps), '--control-port', String(ports.control), '--prometheus-port', String(ports.prometheus), '--use']);
  assert.equal(added.code, 0, added.stderr);

  const launched = await cli(home, ['launch', '--image', STANDIN_IMAGE, '--json']);
  assert.equal(launched.code, 0, launched.stderr);
  const result = JSON.parse(launched.stdout) as { instanceId: string; containerId: string; adopted: boolean; registeredAt: string; module: string };
  instanceIds.push(result.instanceId);
  assert.equal(result.adopted, false);
  assert.ok(result.registeredAt);
  assert.equal(result.module, 'open-agent');
  assert.match(launched.stderr, /^\[1\/9\] Control plane: done - http:\/\/127\.0\.0\.1:\d+$/m, 'plain progress lines when stderr is not a terminal');
  assert.match(launched.stderr, /^\[5\/9\] Gateway module: done - Gateway Tray's open agent/m);
  assert.match(launched.stderr, /^\[9\/9\] Registration: done/m);

  const status = await cli(home, ['status', '--json']);
  assert.equal(status.code, 0, status.stderr);
  const s = JSON.parse(status.stdout) as { state: string; instanceId: string; containerId: string; lastHeartbeatAt?: string; profile: string };
  assert.equal(s.state, 'healthy', status.stdout);
  assert.equal(s.profile, 'dev');
  assert.equal(s.instanceId, result.instanceId);
  assert.equal(s.containerId, result.containerId);
  assert.ok(s.lastHeartbeatAt && !Number.isNaN(Date.parse(s.lastHeartbeatAt)));

  const again = await cli(home, ['launch', '--image', STANDIN_IMAGE, '--json', '-q']);
  assert.equal(JSON.parse(again.stdout).adopted, true, 'a second launch adopts');

  // Ports saved while the gateway runs (the app's Settings does this) apply at the next launch: an
  // adopting launch prints what the running container publishes, not the saved numbers.
  const edited = await freeProfilePorts();
  new ProfileStore({ home }).update('dev', { ports: edited });
  const adoptedHuman = await cli(home, ['launch', '--image', STANDIN_IMAGE]);
  assert.equal(adoptedHuman.code, 0, adoptedHuman.stderr);
  assert.match(adoptedHuman.stdout, new RegExp(`Gateway: http://127\\.0\\.0\\.1:${ports.proxyHttp} `), adoptedHuman.stdout);
  assert.doesNotMatch(adoptedHuman.stdout, new RegExp(`:${edited.proxyHttp}\\b`));
  new ProfileStore({ home }).update('dev', { ports });

  const human = await cli(home, ['status']);
  assert.match(human.stdout, /Gateway: Healthy \(dev\)/);

  const logs = await cli(home, ['logs', '-n', '20']);
  assert.equal(logs.code, 0, logs.stderr);
  assert.ok(`${logs.stdout}${logs.stderr}`.trim().length > 0, 'the gateway log is printed');

  const restarted = await cli(home, ['restart']);
  assert.equal(restarted.code, 0, restarted.stderr);
  assert.match(restarted.stdout, /Heartbeating again/);
  const renewed = await cli(home, ['renew-cert', '--json']);
  assert.equal(renewed.code, 0, renewed.stderr);
  const cert = JSON.parse(renewed.stdout) as { subject: string; restarted: boolean };
  assert.equal(cert.subject, result.instanceId);
  assert.equal(cert.restarted, true);

  // status --watch prints a line on each change: healthy now, stopped after `stop`.
  const watch = spawn(process.execPath, [...CLI_ARGS, 'status', '--watch', '--json'], { env: { ...process.env, GATEWAY_TRAY_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(watch);
  let watched = '';
  watch.stdout?.on('data', (d: Buffer) => (watched += d.toString()));
  const states = () => watched.split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { state: string }).state);
  await waitFor(() => states().includes('healthy'), { timeoutMs: 30_000, what: `status --watch to show healthy (${watched})` });
  const stopped = await cli(home, ['stop']);
  assert.equal(stopped.code, 0, stopped.stderr);
  await waitFor(() => states().at(-1) === 'stopped', { timeoutMs: 10_000, what: `status --watch to show stopped (${watched})` });
  const watchExit = new Promise<number | null>((resolve) => watch.once('exit', (code) => resolve(code)));
  watch.kill('SIGINT');
  assert.equal(await watchExit, 0, 'status --watch ends cleanly on Ctrl-C');

  const after = JSON.parse((await cli(home, ['status', '--json'])).stdout) as { state: string; reasons: Array<{ action?: string }> };
  assert.equal(after.state, 'stopped');
  assert.equal(after.reasons[0]?.action, 'launch');

  const doctor = await cli(home, ['doctor', '--json']);
  const checks = (JSON.parse(doctor.stdout) as { checks: Array<{ id: string; status: string }> }).checks;
  assert.deepEqual(checks.map((c) => c.id), ['engine', 'socket-source', 'ports', 'image', 'control-plane', 'config-centre', 'certificate', 'gateway', 'clock-skew', 'secret-store']);
  assert.equal(checks.find((c) => c.id === 'gateway')?.status, 'skip', 'a stopped gateway is not a failure');
  for (const id of ['engine', 'ports', 'image', 'control-plane', 'config-centre', 'certificate', 'clock-skew']) {
    assert.equal(checks.find((c) => c.id === id)?.status, 'ok', `${id}: ${doctor.stdout}`);
  }
});

test('a corrupted settings file is moved aside with a notice, and the profiles come back usable', async () => {
  const home = await newHome();
  assert.equal((await cli(home, ['profiles', 'list'])).code, 0);
  await writeFile(join(home, 'settings.json'), '{"version": 2, "profiles": {"local": ');
  const listed = await cli(home, ['profiles', 'list', '--json']);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(listed.stderr, /settings\.json could not be read .* moved to .*settings\.json\.corrupt-/);
  const kept = readdirSync(home).filter((f) => f.startsWith('settings.json.corrupt-'));
  assert.equal(kept.length, 1);
  assert.equal(readFileSync(join(home, kept[0]!), 'utf8'), '{"version": 2, "profiles": {"local": ', 'what it held is not lost');
  assert.equal((JSON.parse(listed.stdout) as { defaultProfile: string }).defaultProfile, 'local');
});

test('a cloud token goes to the secret store, never in plain text under GATEWAY_TRAY_HOME, and never as a flag', async () => {
  const cpHome = await newHome();
  const { apiPort } = await startControlPlaneCli(cpHome);
  const token = readFileSync(join(cpHome, 'control-plane', 'admin-token'), 'utf8').trim();
  const home = await newHome();
  const refused = await cli(home, ['profiles', 'add', 'team', '--cloud', '--url', `http://127.0.0.1:${apiPort}`, '--token', token]);
  assert.equal(refused.code, 2);
  assert.match(refused.stderr, /never pass a token as a flag/);
  const bad = await cli(home, ['profiles', 'add', 'team', '--cloud', '--url', `http://127.0.0.1:${apiPort}`, '--token-stdin'], { stdin: 'wrong-token\n' });
  assert.equal(bad.code, 21, 'the exit code of token-refused (README, "Exit codes")');
  assert.match(bad.stderr, /did not accept the token/);
  const added = await cli(home, ['profiles', 'add', 'team', '--cloud', '--url', `http://127.0.0.1:${apiPort}`, '--token-stdin'], { stdin: `${token}\n` });
  assert.equal(added.code, 0, added.stderr);
  for (const file of walk(home)) assert.ok(!readFileSync(file).includes(token), `${file} holds the token in plain text`);
  const doctor = JSON.parse((await cli(home, ['doctor', '--json', '-p', 'team'])).stdout) as { checks: Array<{ id: string; status: string; detail: string }> };
  assert.equal(doctor.checks.find((c) => c.id === 'control-plane')?.status, 'ok', 'the stored token works');
  assert.ok(doctor.checks.find((c) => c.id === 'secret-store')?.detail, 'doctor says which secret store is in use');
  const removed = await cli(home, ['profiles', 'remove', 'team']);
  assert.equal(removed.code, 0, removed.stderr);
});

test('with no control plane running, launch starts one in the background and says so', async () => {
  const home = await newHome();
  // Remembered ports of an earlier background control plane: free ones here, never the defaults.
  await mkdir(join(home, 'control-plane'), { recursive: true, mode: 0o700 });
  await writeFile(join(home, 'control-plane', 'background.json'), JSON.stringify({ apiPort: await freePort(), dpPort: await freePort() }));
  const ports = await freeProfilePorts();
  assert.equal((await cli(home, ['profiles', 'add', 'bg', '--http-port', String(ports.proxyHttp), '--https-port', String(ports.proxyHttps), '--control-port', String(ports.control), '--prometheus-port', String(ports.prometheus), '--use'])).code, 0);
  const launched = await cli(home, ['launch', '--image', STANDIN_IMAGE, '--etcd', etcd.url, '--json']);
  const pidFile = join(home, 'control-plane', 'control-plane.pid');
  if (existsSync(pidFile)) pids.push(Number(readFileSync(pidFile, 'utf8')));
  assert.equal(launched.code, 0, launched.stderr);
  instanceIds.push((JSON.parse(launched.stdout) as { instanceId: string }).instanceId);
  assert.match(launched.stderr, /Started the local control plane in the background \(pid \d+, log .*control-plane\.log\)/);
  // It outlives the command: status still sees a healthy, registered gateway.
  const s = JSON.parse((await cli(home, ['status', '--json'])).stdout) as { state: string };
  assert.equal(s.state, 'healthy');
  assert.equal((await cli(home, ['stop', '--rm'])).code, 0);
});
