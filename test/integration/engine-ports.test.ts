import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { DockerEngine } from '../../src/core/engine/engine.ts';
import { PortInUseError } from '../../src/core/engine/errors.ts';
import { STANDIN_IMAGE, TEST_LABEL, ensureStandinImage, freePort, occupyPort, removeContainersByLabel, testDocker, testRunId } from '../helpers/docker.ts';

const run = testRunId('engine-ports');
const endpoint = { protocol: 'unix', url: 'unix:///var/run/docker.sock', socketPath: '/var/run/docker.sock' } as const;

before(async () => {
  await ensureStandinImage(await testDocker());
});
after(async () => {
  await removeContainersByLabel(await testDocker(), TEST_LABEL, run);
});

test('a host port held by another process gives PortInUseError naming it, and no container is left', async (t) => {
  const engine = new DockerEngine(endpoint);
  const taken = await occupyPort();
  t.after(() => taken.close());
  const profile = `ports-${run}`;
  const free = await freePort();
  await assert.rejects(
    engine.runContainer({
      image: STANDIN_IMAGE,
      instanceId: `i-${run}`,
      profile,
      ports: [
        { containerPort: 9080, hostPort: free, hostIp: '127.0.0.1' },
        { containerPort: 9090, hostPort: taken.port, hostIp: '127.0.0.1' },
      ],
      labels: { [TEST_LABEL]: run },
    }),
    (err: unknown) => {
      assert.ok(err instanceof PortInUseError, String(err));
      assert.equal(err.port, taken.port);
      assert.equal(
        err.message,
        `Port ${taken.port} on 127.0.0.1 is in use by another process; choose another port in the profile or stop what uses it`,
      );
      return true;
    },
  );
  assert.deepEqual(await engine.findManaged({ profile }), []);
});

test("Docker's own 'port is already allocated' at start becomes the same error, and the half-made container is removed", async (t) => {
  const engine = new DockerEngine(endpoint);
  const port = await freePort();
  const holder = await engine.runContainer({
    image: STANDIN_IMAGE,
    instanceId: `holder-${run}`,
    profile: `holder-${run}`,
    ports: [{ containerPort: 9080, hostPort: port, hostIp: '127.0.0.1' }],
    labels: { [TEST_LABEL]: run },
  });
  t.after(() => engine.removeContainer(holder.id));
  const profile = `clash-${run}`;
  // Skip our own check, so that the conflict reaches Docker as it would in a race with another process.
  await assert.rejects(
    engine.runContainer(
      {
        image: STANDIN_IMAGE,
        instanceId: `clash-${run}`,
        profile,
        ports: [{ containerPort: 9080, hostPort: port, hostIp: '127.0.0.1' }],
        labels: { [TEST_LABEL]: run },
      },
      { skipPortCheck: true },
    ),
    (err: unknown) => {
      assert.ok(err instanceof PortInUseError, String(err));
      assert.equal(err.port, port);
      assert.match(String((err.cause as Error).message), /port is already allocated|address already in use/);
      return true;
    },
  );
  assert.deepEqual(await engine.findManaged({ profile }), []);
  assert.equal((await engine.inspectContainer(holder.id)).status, 'running', 'the container that had the port is untouched');
});
