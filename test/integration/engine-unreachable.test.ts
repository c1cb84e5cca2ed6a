import { createServer, type Socket } from 'node:net';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DockerEngine } from '../../src/core/engine/engine.ts';
import { EngineUnavailableError } from '../../src/core/engine/errors.ts';
import { parseHostUrl } from '../../src/core/engine/host-url.ts';
import { freePort } from '../helpers/docker.ts';

/** Times a call that must fail, returning its error and how long it took. */
async function failure(fn: () => Promise<unknown>): Promise<{ err: unknown; ms: number }> {
  const start = Date.now();
  try {
    await fn();
  } catch (err) {
    return { err, ms: Date.now() - start };
  }
  assert.fail('expected a failure');
}

test('a socket that does not exist fails at once with what to do', async () => {
  const engine = new DockerEngine(parseHostUrl('unix:///tmp/nonexistent.sock'));
  const { err, ms } = await failure(() => engine.ping());
  assert.ok(err instanceof EngineUnavailableError, String(err));
  assert.equal(err.message, 'Docker is not running at unix:///tmp/nonexistent.sock: start Docker (or Docker Desktop) and try again');
  assert.ok(ms < 3000, `took ${ms} ms`);
  // Every operation, not just the ping, reports the engine as unavailable.
  const list = await failure(() => engine.findManaged());
  assert.ok(list.err instanceof EngineUnavailableError, String(list.err));
  assert.ok(list.ms < 3000);
  const pull = await failure(() => engine.pullImage('127.0.0.1:5000/x:y'));
  assert.ok(pull.err instanceof EngineUnavailableError, String(pull.err));
});

test('a closed TCP port fails at once with what to do', async () => {
  const port = await freePort();
  const engine = new DockerEngine(parseHostUrl(`tcp://127.0.0.1:${port}`));
  const { err, ms } = await failure(() => engine.ping());
  assert.ok(err instanceof EngineUnavailableError, String(err));
  assert.equal(err.message, `Docker is not running at tcp://127.0.0.1:${port}: start Docker (or Docker Desktop) and try again`);
  assert.ok(ms < 3000, `took ${ms} ms`);
  const inspect = await failure(() => engine.inspectContainer('x'));
  assert.ok(inspect.err instanceof EngineUnavailableError, String(inspect.err));
});

test('an endpoint that accepts but never answers times out in a few seconds, not after a long hang', async (t) => {
  // FakeHungDaemon: a real hung daemon cannot be produced on demand; this one accepts and stays silent.
  const sockets = new Set<Socket>();
  const FakeHungDaemon = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => FakeHungDaemon.listen(0, '127.0.0.1', resolve));
  t.after(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => FakeHungDaemon.close(() => resolve()));
  });
  const { port } = FakeHungDaemon.address() as { port: number };
  const engine = new DockerEngine(parseHostUrl(`tcp://127.0.0.1:${port}`));
  const { err, ms } = await failure(() => engine.ping());
  assert.ok(err instanceof EngineUnavailableError, String(err));
  assert.equal(err.message, `Docker did not answer at tcp://127.0.0.1:${port} in time: check that Docker is running and responsive, then try again`);
  assert.ok(ms >= 2500 && ms < 5000, `took ${ms} ms`);
});
