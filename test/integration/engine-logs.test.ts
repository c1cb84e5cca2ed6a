import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { DockerEngine } from '../../src/core/engine/engine.ts';
import type { LogLine } from '../../src/core/engine/logs.ts';
import { STANDIN_IMAGE, TEST_LABEL, ensureStandinImage, removeContainersByLabel, testDocker, testRunId } from '../helpers/docker.ts';
import { waitFor } from '../helpers/wait-for.ts';

const run = testRunId('engine-logs');
const endpoint = { protocol: 'unix', url: 'unix:///var/run/docker.sock', socketPath: '/var/run/docker.sock' } as const;

before(async () => {
  await ensureStandinImage(await testDocker());
});
after(async () => {
  await removeContainersByLabel(await testDocker(), TEST_LABEL, run);
});

test('tail N returns the last N lines, stdout and stderr told apart', async (t) => {
  const engine = new DockerEngine(endpoint);
  const c = await engine.runContainer({
    image: STANDIN_IMAGE,
    instanceId: `tail-${run}`,
    profile: `p-${run}`,
    // The pauses keep the order in the log file: Docker reads stdout and stderr through separate pipes.
    entrypoint: ['/bin/sh', '-c', 'for i in $(seq 1 20); do echo "line-$i"; done; sleep 1; echo "to-stderr" >&2; sleep 1; echo done; exec sleep 600'],
    labels: { [TEST_LABEL]: run },
  });
  t.after(() => engine.removeContainer(c.id));
  await waitFor(async () => (await engine.readLogs(c.id)).some((l) => l.line === 'done'), { what: 'the container to print its lines' });
  const tail = await engine.readLogs(c.id, { tail: 3 });
  assert.deepEqual(tail, [
    { stream: 'stdout', line: 'line-20' },
    { stream: 'stderr', line: 'to-stderr' },
    { stream: 'stdout', line: 'done' },
  ]);
  const all = await engine.readLogs(c.id);
  assert.equal(all.filter((l) => l.stream === 'stdout').length, 21);
  assert.deepEqual(all.filter((l) => l.stream === 'stderr'), [{ stream: 'stderr', line: 'to-stderr' }]);
});

test('follow shows new lines as they come, and ends cleanly on abort', async (t) => {
  const engine = new DockerEngine(endpoint);
  const c = await engine.runContainer({
    image: STANDIN_IMAGE,
    instanceId: `follow-${run}`,
    profile: `p-${run}`,
    entrypoint: ['/bin/sh', '-c', 'echo before; i=0; while [ $i -lt 600 ]; do i=$((i+1)); echo "tick-$i"; sleep 0.3; done'],
    labels: { [TEST_LABEL]: run },
  });
  t.after(() => engine.removeContainer(c.id));
  await waitFor(async () => (await engine.readLogs(c.id)).some((l) => l.line === 'before'), { what: 'the first line' });

  const seen: LogLine[] = [];
  const abort = new AbortController();
  const following = engine.streamLogs(c.id, (l) => seen.push(l), { follow: true, tail: 0, signal: abort.signal });
  const first = await waitFor(() => seen.find((l) => /^tick-\d+$/.test(l.line)), { what: 'a new line while following' });
  assert.equal(first.stream, 'stdout');
  assert.ok(!seen.some((l) => l.line === 'before'), 'tail 0 shows only new lines');
  const startedAt = Date.now();
  abort.abort();
  await following; // resolves, does not reject
  assert.ok(Date.now() - startedAt < 2000, 'ends promptly on abort');
  const count = seen.length;
  // Lines keep coming in the container; none may reach us once aborted.
  await waitFor(async () => (await engine.readLogs(c.id, { tail: 1 }))[0]?.line !== seen.at(-1)?.line, { what: 'another line in the container' });
  assert.equal(seen.length, count);
});
