import { randomBytes } from 'node:crypto';
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import type Docker from 'dockerode';
import { DockerEngine } from '../../src/core/engine/engine.ts';
import { ImageNotFoundError, RegistryUnreachableError } from '../../src/core/engine/errors.ts';
import type { PullProgress } from '../../src/core/engine/types.ts';
import { LOCAL_REGISTRY, STANDIN_IMAGE, TEST_LABEL, ensureStandinImage, freePort, removeContainersByLabel, testDocker, testRunId } from '../helpers/docker.ts';

const run = testRunId('engine-pull');
const endpoint = { protocol: 'unix', url: 'unix:///var/run/docker.sock', socketPath: '/var/run/docker.sock' } as const;
const REPO = `${LOCAL_REGISTRY}/gateway-tray/engine-pull-test`;
const TAG = run;
const IMAGE = `${REPO}:${TAG}`;
// Random bytes do not compress, so the one new layer is a real download of this size.
const PAYLOAD_BYTES = 48 * 1024 * 1024;

async function removeLocal(docker: Docker): Promise<void> {
  try {
    await docker.getImage(IMAGE).remove({ force: true });
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode !== 404) throw err;
  }
}

/**
 * Our own tag in the local registry, with one layer found nowhere else: the stand-in plus a random file,
 * committed, pushed, and removed again locally, so that pulling it really downloads that layer.
 */
before(async () => {
  const docker = await testDocker();
  await ensureStandinImage(docker);
  const engine = new DockerEngine(endpoint);
  const c = await engine.createContainer({ image: STANDIN_IMAGE, instanceId: run, profile: run, labels: { [TEST_LABEL]: run } });
  try {
    await engine.copyFilesIn(c.id, '/opt/payload', [{ name: 'random.bin', content: randomBytes(PAYLOAD_BYTES) }], { folderOwner: { uid: 0, gid: 0 } });
    await docker.getContainer(c.id).commit({ repo: REPO, tag: TAG });
  } finally {
    await engine.removeContainer(c.id);
  }
  // The push needs an X-Registry-Auth header, even an empty one, for a registry without auth.
  const push = await docker.getImage(IMAGE).push({ authconfig: { serveraddress: LOCAL_REGISTRY } } as object);
  const out = await new Promise<Array<{ error?: string }>>((resolve, reject) =>
    docker.modem.followProgress(push, (err, res) => (err ? reject(err) : resolve(res as Array<{ error?: string }>))),
  );
  const failed = out.find((o) => o.error);
  if (failed) throw new Error(`Pushing ${IMAGE} to the local registry failed: ${failed.error}`);
  await removeLocal(docker);
});

after(async () => {
  const docker = await testDocker();
  await removeContainersByLabel(docker, TEST_LABEL, run);
  await removeLocal(docker);
});

test('a pull from the local registry reports aggregated progress: several updates, bytes that only grow, ending at 100/done', async (t) => {
  const engine = new DockerEngine(endpoint);
  assert.equal(await engine.imageExists(IMAGE), false);
  const updates: Array<PullProgress & { at: number }> = [];
  const final = await engine.pullImage(IMAGE, { onProgress: (p) => updates.push({ ...p, at: Date.now() }) });
  t.diagnostic(`${updates.length} progress updates: ${updates.map((u) => `${u.phase} ${u.percent}%`).join(', ')}`);
  assert.ok(updates.length >= 3, `only ${updates.length} progress updates`);
  for (let i = 1; i < updates.length; i += 1) {
    assert.ok(updates[i]!.currentBytes >= updates[i - 1]!.currentBytes, `bytes went back at update ${i}`);
    assert.ok(updates[i]!.percent >= updates[i - 1]!.percent, `percent went back at update ${i}`);
  }
  for (let i = 2; i < updates.length - 1; i += 1) {
    // Throttled to 10 a second, with a little slack for timer jitter.
    assert.ok(updates[i]!.at - updates[i - 1]!.at >= 90, `updates ${i - 1} and ${i} only ${updates[i]!.at - updates[i - 1]!.at} ms apart`);
  }
  assert.ok(updates.some((u) => u.phase === 'downloading' && u.currentBytes > 0 && u.percent < 100), 'a download was seen in progress');
  assert.ok(updates.some((u) => u.percent > 0 && u.percent < 100), 'the percent moved between 0 and 100');
  const last = updates.at(-1)!;
  assert.equal(last.phase, 'done');
  assert.equal(last.percent, 100);
  assert.deepEqual(final, { phase: last.phase, currentBytes: last.currentBytes, totalBytes: last.totalBytes, percent: last.percent, layers: last.layers, perLayer: last.perLayer });
  // The engine does give per-layer data: the one new layer is a row of its own, downloaded then unpacked.
  const fetched = final.perLayer?.filter((l) => l.state !== 'present') ?? [];
  assert.equal(fetched.length, 1, `one layer fetched: ${JSON.stringify(final.perLayer)}`);
  assert.equal(fetched[0]!.state, 'done');
  assert.ok(fetched[0]!.totalBytes >= PAYLOAD_BYTES && fetched[0]!.currentBytes === fetched[0]!.totalBytes);
  assert.equal(final.perLayer!.length, final.layers.total);
  assert.ok(
    updates.some((u) => u.perLayer?.some((l) => l.id === fetched[0]!.id && l.state === 'downloading' && l.currentBytes > 0 && l.currentBytes < l.totalBytes)),
    'the layer was seen part-way through its download',
  );
  assert.ok(final.currentBytes >= PAYLOAD_BYTES, `only ${final.currentBytes} bytes counted`);
  assert.equal(final.layers.done, final.layers.total);
  assert.equal(await engine.imageExists(IMAGE), true);
  const present = await engine.ensureImage(IMAGE);
  assert.equal(present.pulled, false);
  assert.equal(present.id, (await engine.docker.getImage(IMAGE).inspect()).Id);
});

test('a missing tag gives the clear error', async () => {
  const engine = new DockerEngine(endpoint);
  const missing = `${REPO}:nope-${run}`;
  await assert.rejects(engine.pullImage(missing), (err: unknown) => {
    assert.ok(err instanceof ImageNotFoundError, String(err));
    assert.equal(err.message, `Image ${missing} was not found in its registry: check the name and tag`);
    return true;
  });
});

test('an unreachable registry gives its own clear error', async () => {
  const engine = new DockerEngine(endpoint);
  const image = `127.0.0.1:${await freePort()}/gateway-tray/x:y`;
  await assert.rejects(engine.pullImage(image), (err: unknown) => {
    assert.ok(err instanceof RegistryUnreachableError, String(err));
    assert.match(err.message, /^The registry 127\.0\.0\.1:\d+ could not be reached to pull .*check your network/);
    return true;
  });
});

test('a cancelled pull rejects with an abort error; ensureImage then pulls because the image is absent', async () => {
  const engine = new DockerEngine(endpoint);
  await removeLocal(engine.docker);
  const abort = new AbortController();
  let updates = 0;
  const pulling = engine.pullImage(IMAGE, {
    signal: abort.signal,
    onProgress: () => {
      updates += 1;
      abort.abort();
    },
  });
  await assert.rejects(pulling, (err: unknown) => {
    assert.equal((err as Error).name, 'AbortError');
    assert.match((err as Error).message, /was cancelled/);
    return true;
  });
  assert.equal(updates, 1, 'no progress after the abort');
  await assert.rejects(engine.pullImage(IMAGE, { signal: abort.signal }), { name: 'AbortError' }, 'an aborted signal refuses at once');

  // Docker may finish or drop the interrupted pull; either way ensureImage must leave the image present.
  const result = await engine.ensureImage(IMAGE);
  assert.equal(typeof result.pulled, 'boolean');
  assert.equal(await engine.imageExists(IMAGE), true);
  await removeLocal(engine.docker);
  const pulled = await engine.ensureImage(IMAGE);
  assert.equal(pulled.pulled, true);
  assert.equal(pulled.id, (await engine.docker.getImage(IMAGE).inspect()).Id, 'the id of the image just pulled');
});
