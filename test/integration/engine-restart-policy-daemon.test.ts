/**
 * dockerd restart (as after a Docker Desktop restart or a reboot): a gateway container, created from
 * the app's own create request, comes back by itself; one that the app stopped stays stopped. It uses a
 * private dockerd (test/helpers/private-dockerd.ts), never the system one. With no bridge the containers run with no network,
 * and the image is a tiny one made here from the host's `sleep` and its libc (no registry is reachable).
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import Docker from 'dockerode';
import { createRequestOf, gatewayContainerSpecSchema } from '../../src/core/engine/containers.ts';
import { PrivateDockerd } from '../helpers/private-dockerd.ts';
import { waitFor } from '../helpers/wait-for.ts';

const dockerd = new PrivateDockerd('rp');
const dir = dockerd.dir;
const IMAGE = 'gt-restart-policy/sleep:test';

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
  docker = await dockerd.start();
  await importSleepImage(docker);
});

after(async () => {
  await dockerd.remove();
});

test('after a dockerd restart the gateway comes back by itself; one the app stopped stays stopped', async () => {
  const running = await createGateway(docker, 'rp-running');
  const stopped = await createGateway(docker, 'rp-stopped');
  await stopped.stop({ t: 1 });
  assert.equal((await running.inspect()).HostConfig.RestartPolicy?.Name, 'unless-stopped');

  await dockerd.stop();
  docker = await dockerd.start();
  const back = await waitFor(async () => ((await docker.getContainer(running.id).inspect()).State.Running ? true : undefined), {
    what: `the gateway to be started again by dockerd (${dockerd.logTail()})`,
    timeoutMs: 30_000,
  });
  assert.equal(back, true);
  const still = await docker.getContainer(stopped.id).inspect();
  assert.equal(still.State.Running, false, 'a stop by the app survives the restart');
  for (const c of [running.id, stopped.id]) await docker.getContainer(c).remove({ force: true });
});
