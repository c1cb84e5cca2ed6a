/**
 * The monitor's event filters against the real dockerd: setEventFilters replaces the open stream by one
 * Docker filters anew ('subscribed' again), and from then on only the matching containers' events come.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { DockerEngine } from '../../src/core/engine/engine.ts';
import type { EngineEvent } from '../../src/core/engine/types.ts';
import { STANDIN_IMAGE, TEST_DOCKER_SOCKET, TEST_LABEL, ensureStandinImage, removeContainersByLabel, testDocker, testRunId } from '../helpers/docker.ts';
import { waitFor } from '../helpers/wait-for.ts';

const run = testRunId('engine-monitor-filters');
const PICK = 'io.gateway-tray.test-pick';

before(async () => {
  await ensureStandinImage(await testDocker());
});
after(async () => {
  await removeContainersByLabel(await testDocker(), TEST_LABEL, run);
});

/** A container that starts and exits at once: create, start, die (and destroy once removed). */
async function startAndExit(pick: string): Promise<string> {
  const docker = await testDocker();
  const c = await docker.createContainer({ Image: STANDIN_IMAGE, Entrypoint: ['sleep'], Cmd: ['0'], Labels: { [TEST_LABEL]: run, [PICK]: pick } });
  await c.start();
  await c.wait();
  return c.id;
}

test('new filters reopen the stream: the old selection is dropped by Docker, the new one arrives', async (t) => {
  const engine = new DockerEngine({ protocol: 'unix', url: `unix://${TEST_DOCKER_SOCKET}`, socketPath: TEST_DOCKER_SOCKET }, 'test');
  const filters = (pick: string): Record<string, string[]> => ({ type: ['container'], label: [`${TEST_LABEL}=${run}`, `${PICK}=${pick}`], event: ['start', 'die'] });
  const monitor = engine.createMonitor({ eventFilters: filters('a'), healthIntervalMs: 60_000 });
  const events: EngineEvent[] = [];
  let subscribed = 0;
  monitor.on('event', (e) => events.push(e));
  monitor.on('subscribed', () => (subscribed += 1));
  monitor.start();
  t.after(() => monitor.dispose());
  await waitFor(() => subscribed === 1, { what: 'the first events stream' });

  const a1 = await startAndExit('a');
  await waitFor(() => events.some((e) => e.type === 'container' && e.containerId === a1 && e.action === 'die'), { timeoutMs: 10_000, intervalMs: 20, what: "a's die event" });

  monitor.setEventFilters(filters('a')); // the same filters: the stream stays
  monitor.setEventFilters(filters('b'));
  await waitFor(() => subscribed === 2, { timeoutMs: 10_000, intervalMs: 20, what: 'a second events stream' });
  assert.equal(monitor.state.status, 'ready');

  const seenBefore = events.length;
  const a2 = await startAndExit('a');
  const b1 = await startAndExit('b');
  // Events come in order: once b's die has arrived, any of a2's would have too.
  await waitFor(() => events.some((e) => e.type === 'container' && e.containerId === b1 && e.action === 'die'), { timeoutMs: 10_000, intervalMs: 20, what: "b's die event" });
  const after = events.slice(seenBefore).map((e) => (e.type === 'container' ? `${e.containerId === b1 ? 'b1' : e.containerId === a2 ? 'a2' : e.containerId} ${e.action}` : e.type));
  assert.deepEqual(after, ['b1 start', 'b1 die']);
  assert.equal(subscribed, 2, 'setting the same filters again opened no stream');
});
