/**
 * Launch benchmark, measured in one run on this machine's real dockerd with the image already present:
 *
 * 1. launch to registered (the full flow: pre-flight, certificate, files, container, first heartbeat
 *    confirmed by both the control plane and the agent's status file), against a bare `docker run` of
 *    the same image until its first served request on 9080. Target: within 2×. Measured for a first
 *    launch (a new instance: the control plane mints a certificate) and for launching that instance
 *    again after `stop --rm` (its certificate is still valid and is re-used).
 * 2. status propagation latency for a stopped container: from Docker's recorded stop (State.FinishedAt)
 *    to the watcher's `stopped` snapshot. Target: ≤ 1 s.
 *
 *   npm run bench:launch            (BENCH_RUNS=5)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProfileStore } from '../../src/core/credentials/profile-store.ts';
import { DockerEngine } from '../../src/core/engine/engine.ts';
import { bridgeGatewayAddress } from '../../src/core/gateway/bridge-gateway.ts';
import { launchGateway } from '../../src/core/gateway/launch.ts';
import { stopGateway } from '../../src/core/gateway/stop.ts';
import type { GatewayStatus } from '../../src/core/status/gateway-status.ts';
import { StatusWatcher } from '../../src/core/status/status-watcher.ts';
import { startHarness } from '../helpers/control-plane.ts';
import { STANDIN_IMAGE, TEST_DOCKER_SOCKET, TEST_LABEL, ensureStandinImage, freePort, removeContainersByLabel, testDocker, testRunId } from '../helpers/docker.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function freePorts(n: number): Promise<number[]> {
  const set = new Set<number>();
  while (set.size < n) set.add(await freePort());
  return [...set];
}

async function firstResponse(port: number, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    try {
      await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(500) });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  throw new Error(`nothing answered on ${port} within ${deadlineMs} ms`);
}

const docker = await testDocker();
await ensureStandinImage(docker);
const run = testRunId('bench-launch');
const bridge = await bridgeGatewayAddress(docker);
const h = await startHarness({ dpListen: [{ host: '127.0.0.1', port: 0 }, { host: bridge, port: 0 }] });
const home = await mkdtemp(join(tmpdir(), 'gt-bench-'));
const engine = new DockerEngine({ protocol: 'unix', url: `unix://${TEST_DOCKER_SOCKET}`, socketPath: TEST_DOCKER_SOCKET }, 'bench');

try {
  const bare: number[] = [];
  const launch: number[] = [];
  const relaunch: number[] = [];
  const stages = new Map<string, number[]>();
  const propagation: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    // Bare `docker run` of the same image to its first served request, publishing the same four ports as
    // the launch does: Docker starts one proxy per published port (about 30 ms each here), which is
    // Docker's cost, not the launch flow's, so both sides pay it.
    const barePorts = await freePorts(4);
    const t0 = performance.now();
    const c = await docker.createContainer({
      Image: STANDIN_IMAGE,
      Labels: { [TEST_LABEL]: run },
      ExposedPorts: { '9080/tcp': {}, '9443/tcp': {}, '9090/tcp': {}, '9091/tcp': {} },
      HostConfig: {
        PortBindings: Object.fromEntries(['9080', '9443', '9090', '9091'].map((p, k) => [`${p}/tcp`, [{ HostIp: '127.0.0.1', HostPort: String(barePorts[k]) }]])),
        ExtraHosts: ['host.docker.internal:host-gateway'],
      },
    });
    await c.start();
    await firstResponse(barePorts[0]!, 30_000);
    bare.push(performance.now() - t0);
    await c.remove({ force: true });

    // The full launch flow to registered, each run a new instance (new id, certificate and container).
    const [http, https, control, prometheus] = await freePorts(4);
    const profile = new ProfileStore({ home }).update('local', { image: STANDIN_IMAGE, ports: { proxyHttp: http, proxyHttps: https, control, prometheus } });
    const ctx = { profile, engine, client: h.client, home, instanceName: `bench-${i}`, labels: { [TEST_LABEL]: run } };
    const t1 = performance.now();
    await launchGateway(ctx);
    launch.push(performance.now() - t1);

    // Launching that instance again after `stop --rm`: the usual daily case (same id, certificate kept).
    await stopGateway(engine, { home, profile: 'local', instanceName: `bench-${i}` }, { remove: true });
    const t2 = performance.now();
    let lap = t2;
    const result = await launchGateway(ctx, {
      onProgress: (p) => {
        if (p.status !== 'done') return;
        const now = performance.now();
        stages.set(p.stage, [...(stages.get(p.stage) ?? []), now - lap]);
        lap = now;
      },
    });
    relaunch.push(performance.now() - t2);

    // Status propagation: Docker's own stop time to the watcher's `stopped`.
    const watcher = new StatusWatcher({ engine, home, profile: 'local', instanceName: `bench-${i}`, client: h.client, pollMs: 10_000, instancePollMs: 10_000 });
    const stopped = new Promise<number>((resolve) => watcher.on('status', (s: GatewayStatus) => s.state === 'stopped' && resolve(Date.now())));
    await watcher.settled();
    await docker.getContainer(result.containerId).stop({ t: 5 });
    const shownAt = await stopped;
    const finishedAt = Date.parse((await docker.getContainer(result.containerId).inspect()).State.FinishedAt);
    propagation.push(shownAt - finishedAt);
    watcher.dispose();
    await stopGateway(engine, { home, profile: 'local', instanceName: `bench-${i}` }, { remove: true });
  }
  const ratio = median(relaunch) / median(bare);
  const firstRatio = median(launch) / median(bare);
  const fmt = (xs: number[]) => `median ${median(xs).toFixed(0)} ms (runs: ${xs.map((x) => x.toFixed(0)).join(', ')})`;
  console.log(`bare docker run → first request : ${fmt(bare)}  (same image and published ports)`);
  console.log(`first launch → registered       : ${fmt(launch)}  (${firstRatio.toFixed(2)}× bare; includes minting the certificate)`);
  console.log(`launch again → registered       : ${fmt(relaunch)}`);
  console.log(`  by stage (medians)            : ${[...stages].map(([k, v]) => `${k} ${median(v).toFixed(0)}`).join(', ')}`);
  console.log(`ratio launch again / bare       : ${ratio.toFixed(2)}×  (target ≤ 2×) ${ratio <= 2 ? 'PASS' : 'MISS'}`);
  console.log(`stopped propagation             : ${fmt(propagation)}  (target ≤ 1000 ms) ${median(propagation) <= 1000 ? 'PASS' : 'MISS'}`);
} finally {
  await removeContainersByLabel(docker, TEST_LABEL, run);
  await h.cleanup();
  await rm(home, { recursive: true, force: true });
}
