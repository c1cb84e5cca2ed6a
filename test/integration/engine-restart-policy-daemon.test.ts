/**
 * dockerd restart (as after a Docker Desktop restart or a reboot): a gateway container, created from
 * the app's own create request, comes back by itself; one that the app stopped stays stopped. It uses a
 * private dockerd, never the system one, set up as test/integration/engine-monitor-daemon.test.ts does
 * (own socket, data, exec root, containerd namespace, pid and config file, own network namespace, since
 * `--bridge=none` would delete the host's docker0). With no bridge the containers run with no network,
 * and the image is a tiny one made here from the host's `sleep` and its libc (no registry is reachable).
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, createReadStream, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import Docker from 'dockerode';
import { createRequestOf, gatewayContainerSpecSchema } from '../../src/core/engine/containers.ts';
import { waitFor } from '../helpers/wait-for.ts';

const dir = mkdtempSync(join(tmpdir(), 'gt-dockerd-rp-'));
const socket = join(dir, 'docker.sock');
const namespace = `gt-restart-policy-${process.pid}`;
const IMAGE = 'gt-restart-policy/sleep:test';
let daemon: ChildProcess | undefined;

function startDaemon(): ChildProcess {
  writeFileSync(join(dir, 'daemon.json'), '{}');
  const log = openSync(join(dir, 'dockerd.log'), 'a');
  const child = spawn(
    'unshare',
    [
      '--net',
      'dockerd',
      '-H', `unix://${socket}`,
      '--data-root', join(dir, 'data'),
      '--exec-root', join(dir, 'exec'),
      '--pidfile', join(dir, 'pid'),
      '--config-file', join(dir, 'daemon.json'),
      '--containerd-namespace', namespace,
      '--containerd-plugins-namespace', `${namespace}-plugins`,
      '--bridge=none',
      '--iptables=false',
    ],
    { stdio: ['ignore', log, log] },
  );
  closeSync(log);
  return child;
}

function logTail(): string {
  try {
    return readFileSync(join(dir, 'dockerd.log'), 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
}

async function up(): Promise<Docker> {
  daemon = startDaemon();
  const docker = new Docker({ socketPath: socket });
  try {
    await waitFor(() => docker.ping().then(() => true), { what: `the private dockerd to answer at ${socket}`, timeoutMs: 60_000, intervalMs: 250 });
  } catch (err) {
    throw new Error(`${(err as Error).message}\n--- dockerd log ---\n${logTail()}`, { cause: err });
  }
  return docker;
}

async function down(): Promise<void> {
  const child = daemon;
  daemon = undefined;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  await exited;
  clearTimeout(timer);
}

/** A root file system holding only `sleep` and what it links to, imported as an image. */
async function importSleepImage(docker: Docker): Promise<void> {
  const root = join(dir, 'rootfs');
  for (const d of ['bin', 'lib64', 'lib/x86_64-linux-gnu']) mkdirSync(join(root, d), { recursive: true });
  const copy = (from: string, to: string) => execFileSync('cp', ['-L', from, join(root, to)]);
  copy('/usr/bin/sleep', 'bin/sleep');
  const libs = execFileSync('ldd', ['/usr/bin/sleep'], { encoding: 'utf8' })
    .split('\n')
    .flatMap((l) => l.match(/(\/\S+)/g) ?? []);
  for (const lib of libs) copy(lib, lib.startsWith('/lib64/') ? lib.slice(1) : `lib/x86_64-linux-gnu/${lib.split('/').pop()}`);
  const tar = join(dir, 'rootfs.tar');
  execFileSync('tar', ['-C', root, '-cf', tar, '.']);
  const [repo, tag] = IMAGE.split(':') as [string, string];
  const stream = await docker.importImage(createReadStream(tar) as unknown as string, { repo, tag });
  await new Promise((resolve, reject) => docker.modem.followProgress(stream, (err) => (err ? reject(err) : resolve(undefined))));
}

/** The app's create request for a gateway, run as a sleep with no network (the private daemon has none). */
async function createGateway(docker: Docker, instanceId: string): Promise<Docker.Container> {
  const spec = gatewayContainerSpecSchema.parse({ image: IMAGE, instanceId, profile: 'restart-policy', entrypoint: ['/bin/sleep'], cmd: ['3600'] });
  const req = createRequestOf(spec, 'darwin');
  const c = await docker.createContainer({ ...req, HostConfig: { ...req.HostConfig, NetworkMode: 'none' } });
  await c.start();
  return c;
}

let docker: Docker;

before(async () => {
  docker = await up();
  await importSleepImage(docker);
});

after(async () => {
  await down();
  rmSync(dir, { recursive: true, force: true });
});

test('after a dockerd restart the gateway comes back by itself; one the app stopped stays stopped', async () => {
  const running = await createGateway(docker, 'rp-running');
  const stopped = await createGateway(docker, 'rp-stopped');
  await stopped.stop({ t: 1 });
  assert.equal((await running.inspect()).HostConfig.RestartPolicy?.Name, 'unless-stopped');

  await down();
  docker = await up();
  const back = await waitFor(async () => ((await docker.getContainer(running.id).inspect()).State.Running ? true : undefined), {
    what: `the gateway to be started again by dockerd (${logTail()})`,
    timeoutMs: 30_000,
  });
  assert.equal(back, true);
  const still = await docker.getContainer(stopped.id).inspect();
  assert.equal(still.State.Running, false, 'a stop by the app survives the restart');
  for (const c of [running.id, stopped.id]) await docker.getContainer(c).remove({ force: true });
});
