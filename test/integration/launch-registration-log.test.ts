/**
 * How a launch learns that the agent registered, against a real dockerd, the stand-in image running the
 * real agent, a real etcd and the real control plane:
 * - the agent prints one registration line to stderr, carrying the same status as its file, and the
 *   launch is confirmed from it without reading the status file through the archive API in every round;
 * - a container whose log Docker cannot read back (logging driver `none`) is still confirmed, from the file.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Engine } from '../../src/core/engine/engine.ts';
import { readTlsBundle } from '../../src/core/credentials/tls-bundle.ts';
import { parseRegisteredLine } from '../../src/core/gateway/agent-log.ts';
import { putTlsBundle } from '../../src/core/gateway/container.ts';
import { launchGateway } from '../../src/core/gateway/launch.ts';
import { stopGateway } from '../../src/core/gateway/stop.ts';
import type { LaunchProgress } from '../../src/core/gateway/types.ts';
import { waitUntilRegistered } from '../../src/core/gateway/wait-registered.ts';
import { readAgentStatus } from '../../src/core/status/agent-status-source.ts';
import { TEST_LABEL } from '../helpers/docker.ts';
import { startLaunchWorld, type LaunchWorld } from './launch-setup.ts';

let w: LaunchWorld;

before(async () => {
  w = await startLaunchWorld('launch-reglog');
});
after(async () => {
  await w?.cleanup();
});

/** The same engine, counting the reads of files out of containers (the archive API). */
function countingFileReads(engine: Engine): { engine: Engine; reads: number[] } {
  const reads: number[] = [];
  const counted = new Proxy(engine, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (key !== 'readFile' || typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        reads.push(Date.now());
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { engine: counted, reads };
}

let launched: { containerId: string; instanceId: string; clusterId: string } | undefined;

test('the agent prints its registration once, and the launch is confirmed from that line rather than by reading the file in every round', async () => {
  const { engine, reads } = countingFileReads(w.engine);
  let registerStart = 0;
  let registerDone = 0;
  const result = await launchGateway(w.ctx({ engine }), {
    registerTimeoutMs: 60_000,
    onProgress: (p: LaunchProgress) => {
      if (p.stage !== 'register') return;
      if (p.status === 'start') registerStart = Date.now();
      if (p.status === 'done') registerDone = Date.now();
    },
  });
  launched = { containerId: result.containerId, instanceId: result.instanceId, clusterId: result.clusterId };

  const lines = (await w.engine.readLogs(result.containerId)).filter((l) => l.stream === 'stderr').map((l) => parseRegisteredLine(l.line)).filter((s) => s !== undefined);
  assert.equal(lines.length, 1, 'one registration line per run');
  const line = lines[0]!;
  const file = await readAgentStatus(w.engine, result.containerId);
  assert.equal(line.instance_id, result.instanceId);
  assert.equal(line.registered_at, file?.registered_at, 'the line carries the registration the file holds');
  assert.equal(line.run_id, file?.run_id);
  const startedAt = Date.parse((await w.docker.getContainer(result.containerId).inspect()).State.StartedAt);
  assert.ok(Date.parse(line.registered_at ?? '') >= startedAt - 1000, `registered_at ${line.registered_at} is of this run`);

  // Without the log, the wait reads the file in every round of its first 2 s; following it, once a second at most.
  const during = reads.filter((t) => t >= registerStart && t <= registerDone).length;
  const allowed = Math.floor((registerDone - registerStart) / 1000);
  assert.ok(during <= allowed, `${during} status file reads in a register stage of ${registerDone - registerStart} ms (at most ${allowed})`);
});

test('a gateway whose log Docker cannot read back is confirmed from its status file', async () => {
  assert.ok(launched, 'the launch above ran');
  const made = await w.docker.getContainer(launched.containerId).inspect();
  const bundle = readTlsBundle({ home: w.home, profile: 'local', instanceId: launched.instanceId })?.bundle;
  assert.ok(bundle, 'the launch left its TLS bundle');
  await stopGateway(w.engine, { home: w.home, profile: 'local' }, { remove: true });

  // The launched container's layout, with the one logging driver Docker cannot read back.
  const c = await w.docker.createContainer({
    Image: made.Config.Image,
    Env: made.Config.Env,
    Labels: { [TEST_LABEL]: w.run },
    ExposedPorts: made.Config.ExposedPorts,
    HostConfig: { Binds: made.HostConfig.Binds, PortBindings: made.HostConfig.PortBindings, ExtraHosts: made.HostConfig.ExtraHosts, LogConfig: { Type: 'none', Config: {} } },
  });
  await putTlsBundle(w.engine, c.id, bundle, made.Config.Image);
  await c.start();
  await assert.rejects(w.engine.readLogs(c.id), 'this daemon cannot read a `none` log back, so the wait has to do without it');

  const reg = await waitUntilRegistered(w.engine, w.h.client, { clusterId: launched.clusterId, instanceId: launched.instanceId, containerId: c.id }, { followLogFrom: {}, timeoutMs: 60_000 });
  const startedAt = Date.parse((await c.inspect()).State.StartedAt);
  assert.equal(reg.instance.id, launched.instanceId);
  assert.equal(reg.agent?.instance_id, launched.instanceId);
  assert.ok(Date.parse(reg.agent?.registered_at ?? '') >= startedAt - 1000, `registered_at ${reg.agent?.registered_at} is of this run`);
  await c.remove({ force: true });
});
