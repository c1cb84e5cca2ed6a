/**
 * Cancelling a launch, against real Docker, etcd and the control plane: aborted mid-pull (a fresh tag
 * from the local registry), mid-wait for the first heartbeat, through the app's cancelLaunch request,
 * and by Ctrl-C (SIGINT) in the CLI. Each time the launch rolls back: no container, no certificate
 * files, no instance files are left behind.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAppService } from '../../src/core/app/app-service.ts';
import { FileSecretStore } from '../../src/core/credentials/file-secret-store.ts';
import { profileTokenKey } from '../../src/core/credentials/secret-store.ts';
import { LABEL_INSTANCE_ID } from '../../src/core/engine/labels.ts';
import { launchGateway } from '../../src/core/gateway/launch.ts';
import type { LaunchProgress } from '../../src/core/gateway/types.ts';
import { LOCAL_REGISTRY, STANDIN_IMAGE, TEST_LABEL } from '../helpers/docker.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { freeProfilePorts, startLaunchWorld, type LaunchWorld } from './launch-setup.ts';
import { CLI_ARGS } from '../helpers/cli-process.ts';

let w: LaunchWorld;
let fresh: string;

async function pushFreshTag(): Promise<string> {
  const repo = `${LOCAL_REGISTRY}/gateway-tray/apisix-standin`;
  const tag = `cancel-${w.run}`.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 100);
  await w.docker.getImage(STANDIN_IMAGE).tag({ repo, tag });
  const stream = await w.docker.getImage(`${repo}:${tag}`).push({ authconfig: { serveraddress: LOCAL_REGISTRY } });
  await new Promise<void>((resolve, reject) =>
    w.docker.modem.followProgress(stream, (err: Error | null, out: Array<{ error?: string }>) => {
      const failed = out?.find((o) => o.error);
      if (err || failed) reject(err ?? new Error(`push failed: ${failed?.error}`));
      else resolve();
    }),
  );
  // Only the local tag goes: the launch has to pull it from the registry.
  await w.docker.getImage(`${repo}:${tag}`).remove({ noprune: true });
  return `${repo}:${tag}`;
}

/** The containers of this home's instance of `profile`: other homes on this daemon may use the name too. */
async function ours(profile: string) {
  const idFile = join(w.home, 'instances', profile, 'default', 'instance-id');
  const id = existsSync(idFile) ? readFileSync(idFile, 'utf8').trim() : undefined;
  return (await w.engine.findManaged({ profile })).filter((c) => id !== undefined && c.labels[LABEL_INSTANCE_ID] === id);
}

/** What a launch of `profile` could have left: containers, the instance's files, certificate files. */
async function leftovers(profile: string): Promise<string[]> {
  const dir = join(w.home, 'instances', profile);
  const found: string[] = (await ours(profile)).map((c) => `container ${c.name}`);
  const walk = (d: string): string[] => (existsSync(d) ? readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)])) : []);
  // The instance id is the gateway's identity, kept across launches on purpose; everything else must go.
  for (const f of walk(dir)) if (!f.endsWith('instance-id')) found.push(f);
  return found;
}

/** The launch's rejection, kept so that a leftover is shown beside what the rollback said of it. */
async function rejectionOf(launch: Promise<unknown>): Promise<Error & { reason?: string }> {
  try {
    await launch;
  } catch (err) {
    return err as Error & { reason?: string };
  }
  assert.fail('the launch did not reject');
}

before(async () => {
  w = await startLaunchWorld('launch-cancel');
  fresh = await pushFreshTag();
});
after(async () => {
  await w.docker.getImage(fresh).remove({ force: true }).catch(() => undefined);
  await w.cleanup();
});

test('aborted mid-pull: the launch says it was cancelled and leaves nothing behind', async () => {
  const abort = new AbortController();
  const seen: LaunchProgress[] = [];
  const err = await rejectionOf(
    launchGateway(w.ctx(), {
      image: fresh,
      signal: abort.signal,
      onProgress: (p) => {
        seen.push(p);
        // The first progress line of the pull itself: Docker is talking to the registry now.
        if (p.stage === 'image' && p.status === 'progress') abort.abort();
      },
    }),
  );
  // The reason, not the wording, is what the UI tells a cancel from a failure by.
  assert.equal(err.reason, 'cancelled', err.message);
  assert.match(err.message, /cancelled/i);
  assert.ok(seen.some((p) => p.stage === 'image' && p.status === 'progress'), 'the pull had started');
  assert.ok(!seen.some((p) => p.stage === 'container'), 'no container stage after the abort');
  assert.deepEqual(await leftovers(w.profile.name), [], err.message);
});

test('aborted while waiting for the first heartbeat: the container it made is removed, and the files', async () => {
  const abort = new AbortController();
  let containerStarted = false;
  const err = await rejectionOf(
    launchGateway(w.ctx(), {
      signal: abort.signal,
      onProgress: (p) => {
        if (p.stage === 'container' && p.status === 'done') containerStarted = true;
        if (p.stage === 'register' && p.status === 'start') abort.abort();
      },
    }),
  );
  assert.equal(err.reason, 'cancelled', err.message);
  assert.match(err.message, /cancelled while waiting for the gateway to register/);
  assert.ok(containerStarted);
  assert.deepEqual(await leftovers(w.profile.name), [], err.message);
  // The certificate this launch minted is revoked too: nobody holds its key any more.
  const minted = [...w.h.logs.join('\n').matchAll(/issued client certificate (\S+)/g)].at(-1)?.[1];
  assert.ok(minted && w.h.logs.some((l) => l.includes(`revoked client certificate ${minted}`)), `serial ${minted} revoked`);
});

test("the app's cancelLaunch request aborts its launch, and it rolls back", async () => {
  const secrets = new FileSecretStore({ home: join(w.home, 'app-store') });
  const service = await createAppService({
    env: { ...process.env, GATEWAY_TRAY_HOME: w.home, DOCKER_HOST: 'unix:///var/run/docker.sock' },
    transport: 'web',
    hostControlPlane: false,
    secrets,
    labels: { [TEST_LABEL]: w.run },
  });
  try {
    const caller = { clientId: 'test' };
    assert.deepEqual(await service.handlers.cancelLaunch(undefined, caller), { cancelled: false }, 'nothing to cancel');
    await service.handlers.addProfile({ name: 'cancel-app', kind: 'cloud', apiUrl: w.h.cp.apiUrl, token: w.h.token, image: STANDIN_IMAGE, ports: await freeProfilePorts() }, caller);
    assert.ok(await secrets.get(profileTokenKey('cancel-app')));
    await service.handlers.useProfile({ name: 'cancel-app' }, caller);
    let cancelled: Promise<{ cancelled: boolean }> | undefined;
    service.subscribe((name, payload) => {
      const p = payload as { stage?: string; status?: string };
      if (name === 'launchProgress' && p.stage === 'container' && p.status === 'done') cancelled ??= service.handlers.cancelLaunch(undefined, caller);
    });
    const err = await rejectionOf(service.handlers.launch(undefined, caller));
    assert.match(err.message, /cancelled/);
    assert.deepEqual(await cancelled, { cancelled: true });
    assert.deepEqual(await leftovers('cancel-app'), [], err.message);
    const snap = await service.handlers.getStatus(undefined, caller);
    assert.equal(snap.launching, undefined, 'the launch is over');
  } finally {
    await service.dispose();
  }
});

test('Ctrl-C in `gateway-tray launch` rolls back and exits 130', async () => {
  // A silent agent (a test stand-in): the gateway starts and never heartbeats, so the launch is sure to
  // be waiting for registration when Ctrl-C comes. The real agent registers too fast to catch.
  const silent = join(w.home, 'silent-agent');
  cpSync(join(import.meta.dirname, '../../assets/agent'), silent, { recursive: true });
  writeFileSync(join(silent, 'gateway_tray_agent', 'agent.lua'), 'return { start = function() end, count_request = function() end }\n');
  const cliEnv = { ...process.env, GATEWAY_TRAY_HOME: w.home, DOCKER_HOST: 'unix:///var/run/docker.sock', GATEWAY_TRAY_AGENT_DIR: silent };
  const ports = await freeProfilePorts();
  const add = spawn(
    process.execPath,
    [...CLI_ARGS, 'profiles', 'add', 'cancel-cli', '--cloud', '--url', w.h.cp.apiUrl, '--token-stdin', '--image', STANDIN_IMAGE, '--http-port', String(ports.proxyHttp), '--https-port', String(ports.proxyHttps), '--control-port', String(ports.control), '--prometheus-port', String(ports.prometheus)],
    { env: cliEnv, stdio: ['pipe', 'ignore', 'pipe'] },
  );
  add.stdin.end(`${w.h.token}\n`);
  assert.equal(await new Promise((resolve) => add.on('exit', resolve)), 0);

  const child = spawn(process.execPath, [...CLI_ARGS, 'launch', '-p', 'cancel-cli', '--timeout', '120'], { env: cliEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  await waitFor(() => /Waiting for the first heartbeat/.test(stderr), { what: 'the launch to wait for the first heartbeat', timeoutMs: 60_000 }).catch((err: Error) => {
    child.kill('SIGKILL');
    throw new Error(`${err.message}; the launch said: ${stderr}`);
  });
  child.kill('SIGINT');
  const code = await exited;
  const left = await leftovers('cancel-cli');
  // The CLI's container has no test label: should the rollback have failed, remove it here.
  for (const c of await ours('cancel-cli')) await w.engine.removeContainer(c.id).catch(() => undefined);
  assert.equal(code, 130, stderr);
  assert.match(stderr, /Cancelling: undoing what was made so far/);
  assert.match(stderr, /cancelled while waiting for the gateway to register/);
  assert.deepEqual(left, []);
});
