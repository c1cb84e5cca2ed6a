/**
 * Launch benchmark, measured in one run on this machine's real dockerd with the image already present.
 *
 * 1. Baseline: a bare `docker create` + `docker cp` (the TLS bundle) + `docker start` of the same image,
 *    with the same mounts, environment, labels and published ports as the launched gateway, to its first
 *    HTTP answer on the proxy port.
 * 2. First launch (a new instance: the control plane mints its certificate) to registered, as
 *    `gateway-tray launch` does it: pre-flight, certificate, files, container, first heartbeat confirmed by
 *    the control plane and by the agent's status file. Target: within 1.5× of the baseline.
 * 3. Re-launch of that instance after `stop`, as the app's Stop and `gateway-tray stop` leave it: the
 *    stopped container is what a new one would be, so it is started again. Target: within 1.2×. Printed
 *    beside it, against a like-for-like baseline: a bare `docker start` of the stopped bare container.
 * 4. Re-launch after `stop --rm` (no container left, its certificate kept): create, copy and start again.
 * 5. Status propagation of a stop: Docker's State.FinishedAt to the watcher's `stopped`. Target: ≤ 1 s.
 *
 * Each launch prints its stages (from the flow's onProgress start/done) and the Docker calls it made.
 *
 *   npm run bench:launch            (BENCH_RUNS=5)
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProfileStore } from '../../src/core/credentials/profile-store.ts';
import { readTlsBundle } from '../../src/core/credentials/tls-bundle.ts';
import { DockerEngine, type Engine } from '../../src/core/engine/engine.ts';
import { LABEL_INSTANCE_ID } from '../../src/core/engine/labels.ts';
import { bridgeGatewayAddress } from '../../src/core/gateway/bridge-gateway.ts';
import { CONTAINER_PATHS } from '../../src/core/gateway/paths.ts';
import { launchGateway } from '../../src/core/gateway/launch.ts';
import { stopGateway } from '../../src/core/gateway/stop.ts';
import type { LaunchProgress } from '../../src/core/gateway/types.ts';
import type { GatewayStatus } from '../../src/core/status/gateway-status.ts';
import { readAgentStatus } from '../../src/core/status/agent-status-source.ts';
import { StatusWatcher } from '../../src/core/status/status-watcher.ts';
import { startHarness } from '../helpers/control-plane.ts';
import { STANDIN_IMAGE, TEST_DOCKER_SOCKET, TEST_LABEL, ensureStandinImage, freePort, removeContainersByLabel, testDocker, testRunId } from '../helpers/docker.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

async function freePorts(n: number): Promise<number[]> {
  const set = new Set<number>();
  while (set.size < n) set.add(await freePort());
  return [...set];
}

/** Bounded polling at 10 ms: the baseline's clock stops at the first answer, whatever its status. */
async function firstResponse(port: number, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(500) });
      await res.arrayBuffer();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  throw new Error(`nothing answered on ${port} within ${deadlineMs} ms`);
}

/** Times every Engine call a launch makes, by method, without changing what it does. */
function timedEngine(engine: Engine, calls: Map<string, number[]>, trace: string[] = [], t0 = performance.now()): Engine {
  return new Proxy(engine, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof value !== 'function' || typeof key !== 'string' || key === 'createMonitor') return value;
      return (...args: unknown[]) => {
        const t = performance.now();
        const out: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
        const note = () => {
          calls.set(key, [...(calls.get(key) ?? []), performance.now() - t]);
          trace.push(`${key} ${(t - t0).toFixed(0)}→${(performance.now() - t0).toFixed(0)}`);
        };
        if (out instanceof Promise) return out.finally(note);
        note();
        return out;
      };
    },
  });
}

interface StageTimes {
  /** stage → [start offset, done offset] in ms from the launch's start. */
  stages: Map<string, [number, number]>;
  total: number;
  calls: Map<string, number[]>;
  /** Every engine call and progress event, in ms from the launch's start (printed with BENCH_TRACE=1). */
  trace: string[];
}

async function timedLaunch(run: (engine: Engine, onProgress: (p: LaunchProgress) => void) => Promise<unknown>, engine: Engine): Promise<StageTimes> {
  const stages = new Map<string, [number, number]>();
  const calls = new Map<string, number[]>();
  const trace: string[] = [];
  const t0 = performance.now();
  await run(timedEngine(engine, calls, trace, t0), (p) => {
    const now = performance.now() - t0;
    trace.push(`[${p.stage} ${p.status}] ${now.toFixed(0)}`);
    if (p.status === 'start') stages.set(p.stage, [now, now]);
    if (p.status === 'done' || p.status === 'skipped') stages.set(p.stage, [stages.get(p.stage)?.[0] ?? now, now]);
    // Within the wait: when the control plane first had the record (the agent's file is confirmed after).
    if (p.stage === 'register' && p.status === 'progress' && p.message.includes('sees the gateway') && !stages.has('  cp has it')) {
      stages.set('  cp has it', [stages.get('register')?.[0] ?? now, now]);
    }
  });
  return { stages, total: performance.now() - t0, calls, trace };
}

function stageTable(title: string, runs: StageTimes[]): string[] {
  const names = [...new Set(runs.flatMap((r) => [...r.stages.keys()]))];
  const lines = [`  ${title}: median ${median(runs.map((r) => r.total)).toFixed(0)} ms (runs: ${runs.map((r) => r.total.toFixed(0)).join(', ')})`];
  for (const name of names) {
    const spans = runs.map((r) => r.stages.get(name)).filter((s): s is [number, number] => s !== undefined);
    const from = median(spans.map((s) => s[0]));
    const to = median(spans.map((s) => s[1]));
    lines.push(`    ${name.padEnd(12)} ${from.toFixed(0).padStart(5)} → ${to.toFixed(0).padStart(5)} ms  (${(median(spans.map((s) => s[1] - s[0]))).toFixed(0).padStart(4)} ms)`);
  }
  const methods = [...new Set(runs.flatMap((r) => [...r.calls.keys()]))];
  const calls = methods.map((m) => {
    const per = runs.map((r) => r.calls.get(m) ?? []);
    return `${m} ×${median(per.map((p) => p.length))} ${median(per.map((p) => p.reduce((a, b) => a + b, 0))).toFixed(0)} ms`;
  });
  lines.push(`    docker calls: ${calls.join(', ')}`);
  return lines;
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
  // The bare side's create + cp + start, to set apart the launch's own time from Docker's (see below).
  const bareDocker: number[] = [];
  // A bare `docker start` of the stopped bare container, to its first answer.
  const bareStart: number[] = [];
  const first: StageTimes[] = [];
  const again: StageTimes[] = [];
  const againRemoved: StageTimes[] = [];
  let startedAgain = 0;
  const propagation: number[] = [];
  // Milliseconds after Docker's State.StartedAt: where the time after `start` goes.
  const bareAnswer: number[] = [];
  const agentAcked: number[] = [];
  const agentAttempted: number[] = [];
  const launchReturned: number[] = [];
  const startedAt = async (id: string) => Date.parse((await docker.getContainer(id).inspect()).State.StartedAt);
  for (let i = 0; i < RUNS; i++) {
    const [http, https, control, prometheus] = await freePorts(4);
    const profile = new ProfileStore({ home }).update('local', { image: STANDIN_IMAGE, ports: { proxyHttp: http, proxyHttps: https, control, prometheus } });
    const instanceName = `bench-${i}`;
    const ctxOf = (e: Engine) => ({ profile, engine: e, client: h.client, home, instanceName, labels: { [TEST_LABEL]: run } });

    // First launch: a new instance, so the control plane mints its certificate.
    let containerId = '';
    first.push(
      await timedLaunch(async (e, onProgress) => {
        containerId = (await launchGateway(ctxOf(e), { onProgress })).containerId;
      }, engine),
    );

    // Re-launch after `stop`: the usual daily case (same id, certificate kept, the container stopped).
    const firstId = containerId;
    await stopGateway(engine, { home, profile: 'local', instanceName });
    let returnedAt = 0;
    again.push(
      await timedLaunch(async (e, onProgress) => {
        containerId = (await launchGateway(ctxOf(e), { onProgress })).containerId;
        returnedAt = Date.now();
      }, engine),
    );
    if (containerId === firstId) startedAgain += 1;
    const started = await startedAt(containerId);
    launchReturned.push(returnedAt - started);
    const agent = await readAgentStatus(engine, containerId);
    if (agent?.registered_at) agentAcked.push(Date.parse(agent.registered_at) - started);
    // The first attempt is the registering one on a healthy run; its start splits nginx's start-up from the heartbeat itself.
    if (agent?.last_attempt_at && agent.consecutive_failures === 0) agentAttempted.push(Date.parse(agent.last_attempt_at) - started);

    // The baseline copies what the launch made (image, mounts, env, ports, bundle), so both sides start
    // the same gateway; only the flow around create and start differs.
    const made = await docker.getContainer(containerId).inspect();
    const instanceId = made.Config.Labels[LABEL_INSTANCE_ID] ?? '';
    const bundle = readTlsBundle({ home, profile: 'local', instanceId })?.bundle;
    if (!bundle) throw new Error('the launch left no TLS bundle');
    await stopGateway(engine, { home, profile: 'local', instanceName }, { remove: true });
    const t0 = performance.now();
    const c = await docker.createContainer({
      Image: made.Config.Image,
      Env: made.Config.Env,
      Labels: { [TEST_LABEL]: run },
      ExposedPorts: made.Config.ExposedPorts,
      HostConfig: { Binds: made.HostConfig.Binds, PortBindings: made.HostConfig.PortBindings, ExtraHosts: made.HostConfig.ExtraHosts },
    });
    const own = { uid: 636, gid: 636 };
    await engine.copyFilesIn(
      c.id,
      CONTAINER_PATHS.tls,
      [
        { name: 'ca.crt', content: bundle.caCertificate, mode: 0o644, ...own },
        { name: 'tls.crt', content: bundle.certificate, mode: 0o644, ...own },
        { name: 'tls.key', content: bundle.privateKey, mode: 0o600, ...own },
      ],
      { folderOwner: { ...own, mode: 0o700 } },
    );
    await c.start();
    bareDocker.push(performance.now() - t0);
    await firstResponse(http as number, 30_000);
    bare.push(performance.now() - t0);
    bareAnswer.push(Date.now() - (await startedAt(c.id)));
    await c.stop({ t: 10 });
    const t1 = performance.now();
    await c.start();
    await firstResponse(http as number, 30_000);
    bareStart.push(performance.now() - t1);
    await c.remove({ force: true });

    // Re-launch after `stop --rm`: nothing to start again, so create, copy and start (certificate kept).
    againRemoved.push(
      await timedLaunch(async (e, onProgress) => {
        containerId = (await launchGateway(ctxOf(e), { onProgress })).containerId;
      }, engine),
    );

    // Status propagation: Docker's own stop time to the watcher's `stopped`.
    const watcher = new StatusWatcher({ engine, home, profile: 'local', instanceName, client: h.client, pollMs: 10_000, instancePollMs: 10_000 });
    const stopped = new Promise<number>((resolve) => watcher.on('status', (s: GatewayStatus) => s.state === 'stopped' && resolve(Date.now())));
    await watcher.settled();
    await docker.getContainer(containerId).stop({ t: 5 });
    const shownAt = await stopped;
    const finishedAt = Date.parse((await docker.getContainer(containerId).inspect()).State.FinishedAt);
    propagation.push(shownAt - finishedAt);
    watcher.dispose();
    await stopGateway(engine, { home, profile: 'local', instanceName }, { remove: true });
  }
  const base = median(bare);
  const firstRatio = median(first.map((r) => r.total)) / base;
  const againRatio = median(again.map((r) => r.total)) / base;
  const againLikeRatio = median(again.map((r) => r.total)) / median(bareStart);
  const removedRatio = median(againRemoved.map((r) => r.total)) / base;
  const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
  // Both sides make the same three Docker calls, whose times swing most on a busy machine. The launch's
  // own time is its total less those calls; added to the bare side's median calls it gives a ratio in
  // which the swing of those calls cancels. The goal is judged on the plain ratio above it.
  const dockerOf = (r: StageTimes) => ['createContainer', 'copyFilesIn', 'startContainer'].reduce((sum, m) => sum + (r.calls.get(m) ?? []).reduce((a, b) => a + b, 0), 0);
  const steadied = (runs: StageTimes[]) => (median(runs.map((r) => r.total - dockerOf(r))) + median(bareDocker)) / base;
  console.log(`launch benchmark, ${RUNS} runs, image ${STANDIN_IMAGE} (present)`);
  console.log(`  bare create + cp bundle + start → first answer: median ${base.toFixed(0)} ms (runs: ${bare.map((x) => x.toFixed(0)).join(', ')})`);
  for (const line of stageTable('first launch → registered', first)) console.log(line);
  console.log(`  bare docker start of that container, stopped → first answer: median ${median(bareStart).toFixed(0)} ms (runs: ${bareStart.map((x) => x.toFixed(0)).join(', ')})`);
  for (const line of stageTable(`re-launch after stop → registered (started the same container again: ${startedAgain} of ${RUNS})`, again)) console.log(line);
  for (const line of stageTable('re-launch after stop --rm → registered', againRemoved)) console.log(line);
  if (process.env.BENCH_TRACE) console.log(`  last re-launch, engine calls and progress: ${again.at(-1)?.trace.join(', ')}`);
  console.log(
    `  after Docker's StartedAt (medians): bare first answer +${median(bareAnswer).toFixed(0)} ms; re-launch: agent's first heartbeat sent +${median(agentAttempted).toFixed(0)} ms, answered +${median(agentAcked).toFixed(0)} ms, ` +
      `launch returned +${median(launchReturned).toFixed(0)} ms`,
  );
  console.log(`  ratio first launch / bare : ${firstRatio.toFixed(2)}×  (target ≤ 1.5×) ${verdict(firstRatio <= 1.5)}`);
  console.log(`  ratio re-launch / bare    : ${againRatio.toFixed(2)}×  (target ≤ 1.2×) ${verdict(againRatio <= 1.2 && startedAgain === RUNS)}`);
  console.log(`  ratio re-launch / bare docker start of a stopped container: ${againLikeRatio.toFixed(2)}×`);
  console.log(`  ratio re-launch after stop --rm / bare: ${removedRatio.toFixed(2)}×`);
  console.log(
    `  the same with both sides' create + cp + start at the bare median (${median(bareDocker).toFixed(0)} ms): first launch ${steadied(first).toFixed(2)}×, re-launch after stop --rm ${steadied(againRemoved).toFixed(2)}×`,
  );
  console.log(`  stopped propagation       : median ${median(propagation).toFixed(0)} ms (runs: ${propagation.map((x) => x.toFixed(0)).join(', ')})  (target ≤ 1000 ms) ${verdict(median(propagation) <= 1000)}`);
} finally {
  await removeContainersByLabel(docker, TEST_LABEL, run);
  await h.cleanup();
  await rm(home, { recursive: true, force: true });
}
