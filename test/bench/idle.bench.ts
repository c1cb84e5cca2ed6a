/**
 * Idle cost benchmark: what watching one healthy gateway costs, in CPU time per minute, measured in one
 * run on this machine's real dockerd with a real etcd, `gateway-tray control-plane` and one stand-in
 * gateway launched through the real flow. Each window lasts BENCH_IDLE_SECONDS (default 180; 60 for a
 * quick run), after BENCH_IDLE_WARMUP_SECONDS (default 60) for start-up to settle (a process that has just
 * started collects its start-up garbage for a while; the tray runs all day). The core runs as the shipped
 * app runs it, compiled to JavaScript (dist/, built first when src/ changed: test/helpers/cli-process.ts);
 * BENCH_IDLE_RUNTIME=tsx measures `node --import tsx src/cli/main.ts` instead:
 *
 * 1. baseline: no watcher at all; an empty node process, and dockerd;
 * 2. `gateway-tray ui --web` with no page open (the tray's case: nobody looks);
 * 3. the same process with a page connected to its bridge (somebody looks);
 * 4. `gateway-tray status --watch` alone.
 *
 * CPU time is the scheduler's run time of every thread of the process (/proc/<pid>/task/<tid>/schedstat,
 * in ns): utime+stime from /proc/<pid>/stat counts whole 10 ms ticks, too coarse for tens of ms per
 * minute (the tick figure is printed beside it). The core's processes reach Docker through a counting unix-socket proxy the bench starts itself (DOCKER_HOST), so their
 * requests are counted by kind. Targets: the core under 50 ms/min, and under 50 ms/min more in dockerd
 * than the baseline, with nobody looking. Other work on the machine (other containers) shows up in
 * dockerd's figures in bursts, so the median of its 10 s slices is printed beside the mean; the request
 * counts are the exact part. The load average is printed with each window: the machine's other work
 * shows in every figure, the core's included (a busy machine wakes timers late and costs more cache).
 *
 *   npm run bench:idle                       (BENCH_IDLE_SECONDS=180)
 *   BENCH_IDLE_RUNTIME=tsx npm run bench:idle
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket } from 'ws';
import { CloudClient } from '../../src/core/cloud/client.ts';
import { ProfileStore } from '../../src/core/credentials/profile-store.ts';
import { DockerEngine } from '../../src/core/engine/engine.ts';
import { bridgeGatewayAddress } from '../../src/core/gateway/bridge-gateway.ts';
import { launchGateway } from '../../src/core/gateway/launch.ts';
import { locateLocalControlPlane } from '../../src/core/gateway/local-control-plane.ts';
import { stopGateway } from '../../src/core/gateway/stop.ts';
import { STANDIN_IMAGE, TEST_DOCKER_SOCKET, TEST_LABEL, ensureStandinImage, freePort, removeContainersByLabel, testDocker, testRunId } from '../helpers/docker.ts';
import { startEtcd } from '../helpers/etcd.ts';
import { REPO, buildRenderer } from '../helpers/ui-web.ts';
import { CLI_ARGS } from '../helpers/cli-process.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { startRequestCounter } from './docker-request-counter.ts';

const SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 180);
const WARMUP_SECONDS = Number(process.env.BENCH_IDLE_WARMUP_SECONDS ?? 60);
const TARGET_MS_PER_MIN = 50;
const RUNTIME = process.env.BENCH_IDLE_RUNTIME ?? 'compiled';
if (RUNTIME !== 'compiled' && RUNTIME !== 'tsx') throw new Error(`BENCH_IDLE_RUNTIME is 'compiled' (default) or 'tsx', not '${RUNTIME}'`);
const TICK_MS = 1000 / Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim() || 100);

/** utime+stime of a process (all its threads), in ms: what the kernel charges it, in whole clock ticks. */
function tickCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
}

/**
 * The time the scheduler ran each thread of a process, in ms, to the nanosecond: at tens of ms per
 * minute, whole 10 ms ticks are too coarse (one tick more or less is 5 ms/min in a 2-minute window).
 * Falls back to the ticks where the kernel keeps no schedstat.
 */
function cpuMs(pid: number): number {
  try {
    let ns = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    return ns / 1e6;
  } catch {
    return tickCpuMs(pid);
  }
}

function dockerdPid(): number {
  const fromFile = existsSync('/var/run/docker.pid') ? Number(readFileSync('/var/run/docker.pid', 'utf8').trim()) : NaN;
  if (Number.isInteger(fromFile) && existsSync(`/proc/${fromFile}`)) return fromFile;
  return Number(execFileSync('pidof', ['-s', 'dockerd'], { encoding: 'utf8' }).trim());
}

interface Window {
  perMin: Map<string, number>;
  /** The same from whole clock ticks (utime+stime), as `ps` and `top` count it. */
  tickPerMin: Map<string, number>;
  /** ms of CPU in each 10 s slice, per pid: shows a start-up tail apart from the steady state. */
  slices: Map<string, number[]>;
  requests: Map<string, number>;
  /** The load averages (1, 5, 15 min) at the start and at the end of the window. */
  load: [string, string];
}

const SLICE_MS = 10_000;

/** CPU per minute of each pid over one window, and the proxy's request counts per minute. */
async function measure(pids: Record<string, number>, counter?: { reset(): void; counts(): Map<string, number> }): Promise<Window> {
  const read = (): Record<string, number> => Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuMs(pid)]));
  const loadBefore = load();
  const ticksBefore = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, tickCpuMs(pid)]));
  const before = read();
  const slices = new Map(Object.keys(pids).map((k) => [k, [] as number[]]));
  counter?.reset();
  const t0 = performance.now();
  let last = before;
  for (let left = SECONDS * 1000; left > 0; left -= SLICE_MS) {
    await sleep(Math.min(SLICE_MS, left));
    const now = read();
    for (const k of Object.keys(pids)) slices.get(k)!.push(now[k]! - last[k]!);
    last = now;
  }
  const minutes = (performance.now() - t0) / 60_000;
  const perMin = new Map(Object.keys(pids).map((k) => [k, (last[k]! - before[k]!) / minutes]));
  const tickPerMin = new Map(Object.entries(pids).map(([k, pid]) => [k, (tickCpuMs(pid) - ticksBefore[k]!) / minutes]));
  const requests = new Map([...(counter?.counts() ?? new Map<string, number>())].map(([k, n]) => [k, n / minutes]));
  return { perMin, tickPerMin, slices, requests, load: [loadBefore, load()] };
}

function spawnCli(args: string[], env: NodeJS.ProcessEnv, nodeArgs: string[] = []): { child: ChildProcess; output: () => string } {
  const entry = compiled ? CLI_ARGS : ['--import', 'tsx', join(REPO, 'src/cli/main.ts')];
  const child = spawn(process.execPath, [...nodeArgs, ...entry, ...args], { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  child.stderr!.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-20_000)));
  return { child, output: () => out };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(killer);
}

/** `gateway-tray ui --web`, once it prints the URL to open. */
async function startUi(): Promise<{ child: ChildProcess; url: string }> {
  const ui = spawnCli(['ui', '--web'], coreEnv, coreNodeArgs);
  children.push(ui.child);
  const url = await waitFor(
    () => {
      if (ui.child.exitCode !== null) throw new Error(`ui --web exited with ${ui.child.exitCode}: ${ui.output()}`);
      return /open (http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]+)/.exec(ui.output())?.[1];
    },
    { timeoutMs: 60_000, what: 'gateway-tray ui --web to print its URL' },
  );
  return { child: ui.child, url };
}

/** Connects to the ui's bridge as the page does (origin, then the token): from then on somebody looks. */
async function openPage(ui: { url: string }): Promise<WebSocket> {
  const url = new URL(ui.url);
  const ws = new WebSocket(`ws://${url.host}/bridge`, { origin: url.origin });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => ws.send(JSON.stringify({ type: 'hello', token: url.hash.replace('#token=', '') })));
    ws.on('message', (d) => (JSON.parse(String(d)) as { type?: string }).type === 'ready' && resolve());
    ws.once('error', reject);
  });
  return ws;
}

const load = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');
const fmt = (ms: number): string => `${ms.toFixed(1)} ms/min`;
/** Per minute, from the median 10 s slice: what a window costs without the bursts of other work. */
const medianPerMin = (slices: number[]): number => [...slices].sort((a, b) => a - b)[Math.floor(slices.length / 2)]! * (60_000 / SLICE_MS);
const verdict = (ms: number): string => (ms < TARGET_MS_PER_MIN ? 'PASS' : 'MISS');
const ratio = (a: number, b: number): string => (b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a: baseline 0');

function printRequests(w: Window): void {
  const rows = [...w.requests].sort((a, b) => b[1] - a[1]);
  if (rows.length === 0) console.log('    Docker requests per minute: none');
  else for (const [kind, n] of rows) console.log(`    ${n.toFixed(1).padStart(8)} /min  ${kind}`);
}

const docker = await testDocker();
await ensureStandinImage(docker);
await buildRenderer();
const compiled = RUNTIME === 'compiled';
const run = testRunId('bench-idle');
const bridge = await bridgeGatewayAddress(docker);
const home = await mkdtemp(join(tmpdir(), 'gt-bench-idle-'));
const etcd = await startEtcd();
const counter = await startRequestCounter(join(home, 'docker-counter.sock'), TEST_DOCKER_SOCKET);
const env = { ...process.env, GATEWAY_TRAY_HOME: home };
const coreEnv = { ...env, DOCKER_HOST: `unix://${counter.socketPath}` };
// BENCH_IDLE_CORE_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") goes to the core's processes only.
const coreNodeArgs = (process.env.BENCH_IDLE_CORE_NODE_ARGS ?? '').split(' ').filter(Boolean);
const engine = new DockerEngine({ protocol: 'unix', url: `unix://${TEST_DOCKER_SOCKET}`, socketPath: TEST_DOCKER_SOCKET }, 'bench');
const children: ChildProcess[] = [];

try {
  const [apiPort, dpPort] = [await freePort(), await freePort()];
  const cp = spawnCli(['control-plane', '--api-listen', `127.0.0.1:${apiPort}`, '--dp-listen', `127.0.0.1:${dpPort}`, '--dp-listen', `${bridge}:${dpPort}`, '--etcd', etcd.url], env);
  children.push(cp.child);
  const located = await waitFor(
    async () => {
      if (cp.child.exitCode !== null) throw new Error(`control-plane exited: ${cp.output()}`);
      const found = await locateLocalControlPlane(home, 1000);
      return 'info' in found ? found : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 200, what: 'gateway-tray control-plane to answer' },
  );
  const client = new CloudClient({ baseUrl: located.info.apiUrl, token: located.token });
  const ports = new Set<number>();
  while (ports.size < 4) ports.add(await freePort());
  const [proxyHttp, proxyHttps, control, prometheus] = [...ports] as [number, number, number, number];
  const profile = new ProfileStore({ home }).update('local', { image: STANDIN_IMAGE, ports: { proxyHttp, proxyHttps, control, prometheus } });
  const launched = await launchGateway({ profile, engine, client, home, labels: { [TEST_LABEL]: run } });
  console.log(`gateway ${launched.instanceId} registered; the core runs ${compiled ? 'compiled (node dist/cli/main.js)' : 'under tsx'}; windows of ${SECONDS} s after ${WARMUP_SECONDS} s of warm-up`);

  const dockerd = dockerdPid();
  const empty = spawn(process.execPath, ['-e', 'setInterval(() => {}, 2 ** 30)'], { stdio: 'ignore' });
  children.push(empty);
  await sleep(WARMUP_SECONDS * 1000);
  const base = await measure({ node: empty.pid!, dockerd, cp: cp.child.pid! });
  await stopChild(empty);
  const baseDockerd = base.perMin.get('dockerd')!;
  const baseDockerdMedian = medianPerMin(base.slices.get('dockerd')!);
  const baseNode = base.perMin.get('node')!;
  console.log(`\nbaseline (no watcher); load average ${base.load[0]} → ${base.load[1]}`);
  console.log(`  empty node process           : ${fmt(baseNode)}`);
  console.log(`  dockerd                      : ${fmt(baseDockerd)} (median slice: ${fmt(baseDockerdMedian)}); ms per 10 s: ${base.slices.get('dockerd')!.map((x) => x.toFixed(0)).join(' ')}`);
  console.log(`  control plane (1 gateway)    : ${fmt(base.perMin.get('cp')!)}  (its own process; not part of the core)`);

  /** `judged`: the targets are for the case nobody looks; the others are shown for what they cost. */
  const report = (title: string, w: Window, core: string, judged: boolean): void => {
    const target = (over: number): string => (judged ? `; target < ${TARGET_MS_PER_MIN}) ${verdict(over)}` : ')');
    const c = w.perMin.get(core)!;
    const d = w.perMin.get('dockerd')!;
    const dm = medianPerMin(w.slices.get('dockerd')!);
    console.log(`\n${title}; load average ${w.load[0]} → ${w.load[1]}`);
    console.log(`  core process                 : ${fmt(c)}  (empty node process ${fmt(baseNode)}, ${ratio(c, baseNode)}${target(c)}`);
    console.log(`    in clock ticks             : ${fmt(w.tickPerMin.get(core)!)}`);
    console.log(`    ms per 10 s                : ${w.slices.get(core)!.map((x) => x.toFixed(1)).join(' ')}`);
    console.log(`  dockerd                      : ${fmt(d)}  (${ratio(d, baseDockerd)} baseline; ${fmt(d - baseDockerd)} over it)`);
    console.log(`    median slice               : ${fmt(dm)}  (baseline ${fmt(baseDockerdMedian)}; ${fmt(dm - baseDockerdMedian)} over it${target(dm - baseDockerdMedian)}`);
    console.log(`    ms per 10 s                : ${w.slices.get('dockerd')!.map((x) => x.toFixed(0)).join(' ')}`);
    printRequests(w);
  };

  const ui = await startUi();
  await sleep(WARMUP_SECONDS * 1000);
  const idle = await measure({ ui: ui.child.pid!, dockerd }, counter);
  report('ui --web, no page open (nobody looks)', idle, 'ui', true);

  const page = await openPage(ui);
  await sleep(WARMUP_SECONDS * 1000);
  const looked = await measure({ ui: ui.child.pid!, dockerd }, counter);
  report('ui --web, a page open (somebody looks)', looked, 'ui', false);
  page.close();
  await stopChild(ui.child);

  const watch = spawnCli(['status', '--watch', '--json'], coreEnv, coreNodeArgs);
  children.push(watch.child);
  await waitFor(() => /"state":"healthy"/.test(watch.output()), { timeoutMs: 60_000, what: `status --watch to show healthy: ${watch.output()}` });
  await sleep(WARMUP_SECONDS * 1000);
  const watching = await measure({ watch: watch.child.pid!, dockerd }, counter);
  report('status --watch (somebody looks)', watching, 'watch', false);
  await stopChild(watch.child);

  await stopGateway(engine, { home, profile: 'local' }, { remove: true });
} finally {
  for (const c of children) await stopChild(c);
  await removeContainersByLabel(docker, TEST_LABEL, run);
  await counter.close();
  await etcd.stop();
  await rm(home, { recursive: true, force: true });
}
