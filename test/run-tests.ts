/**
 * Runs the test files with node's test runner, group by group: unit tests concurrently, in one
 * long-lived shard process per core that runs one file after another, so node, tsx and the src graph
 * load once per shard rather than once per file (test/runner/shard-pool.ts; a file that leaves state
 * behind for the next is failed by name, test/runner/leftovers.ts); then integration tests four files
 * at a time (each makes its own containers, homes and ports on the one Docker daemon), except the
 * files of SERIAL, which run afterwards three at a time with each other, and of ALONE, last and one by
 * one; the end-to-end files join the integration files' pool
 * (run alone, as `e2e`, they go one at a time). An integration or end-to-end file runs in
 * its own `run()`, bundled and without tsx (test/runner/test-bundles.ts); each file's duration is
 * measured, not guessed. A line per file
 * as it finishes, with its diagnostics; the full TAP of a file that failed; then each file's duration,
 * slowest first, the total, and one closing line `N passed, N failed, N skipped` for the whole run.
 *
 *   node --import tsx test/run-tests.ts [unit|integration|e2e ...] [--only=<substring>] [--jobs=N]
 *     [--prepare=<npm script>,…] [--checks=<npm script>,…]
 *
 * --prepare scripts run at the same time before any test file; --checks scripts run beside the
 * integration files, at the lowest CPU priority. Either failing fails the run.
 *
 * --jobs (or GATEWAY_TRAY_TEST_JOBS) sets how many integration files run at once; 1 is the old
 * one-at-a-time run. GATEWAY_TRAY_UNIT_SHARDS sets the number of unit shards (default: one per core,
 * at least 2); GATEWAY_TRAY_UNIT_FILE_TIMEOUT_MS the bound on one unit file.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { run } from 'node:test';
import { tap } from 'node:test/reporters';
import { runNpmScripts } from './runner/npm-scripts.ts';
import { runInShards, type ShardFileResult } from './runner/shard-pool.ts';
import { BUNDLE_NODE_FLAGS, bundleTestFiles } from './runner/test-bundles.ts';
import type { TestEvent } from './runner/shard-wire.ts';

const ROOT = resolve(import.meta.dirname, '..');
/**
 * A file that runs longer than this has hung: it fails with a timeout instead of stalling CI. Node 20's
 * runner applies a timeout to a whole file (`run({timeout})` and `--test-timeout` alike), not to each
 * test in it, so this is a per-file bound, well above the slowest file; tests that can hang carry their
 * own `timeout`.
 */
const PER_FILE_TIMEOUT_MS = 600_000;
/**
 * The bound on one unit file in a shard, where a hang is cut short by killing the shard (a new one
 * takes the rest). The slowest unit file takes about 15 s at load 7 on 2 cores.
 */
const UNIT_FILE_TIMEOUT_MS = Number(process.env.GATEWAY_TRAY_UNIT_FILE_TIMEOUT_MS) || 120_000;

/**
 * Unit files that need a process of their own, and why; the others share a shard process with other
 * unit files (test/runner/unit-shard.ts), so one must not leave behind what another trips on:
 * changed process.env, cwd or globals, process.on handlers, timers, open handles, module-level state.
 * A name here that no longer exists fails the run.
 */
const UNIT_OWN_PROCESS: Record<string, string> = {};

/**
 * Integration files kept away from the pool, and why. Everything else may share the machine with the
 * other pool files: each test makes its own containers (labelled with its run id), homes, etcd and ports.
 * A file here measures time on the real clock, restarts a daemon, or fills a disk: beside the pool, whose
 * files keep both cores busy, its waits stretch. After the pool they run three at a time with each other:
 * they spend most of their time waiting on that clock (the cores were 80–99% idle while they ran one by
 * one, and still more than half idle two at a time), so each still finds a core free whenever it wakes.
 * A name here that no longer exists fails the run.
 *
 * Not here although they time heartbeats: the two renewal files (cert-auto-renew*). Their renewal now
 * restarts the gateway right after a heartbeat, so the pause they bound by one interval (11.5 s) was
 * 2–4 s with the two of them side by side at load 12–14.
 */
const SERIAL: Record<string, string> = {
  'test/integration/status-paused.test.ts': 'a shortened lost threshold on the real clock, 5 s above the heartbeat interval',
  'test/integration/lifecycle-faults-sleep.test.ts': 'a shortened lost threshold on the real clock (SIGSTOP of the control plane)',
  'test/integration/control-plane-status.test.ts': 'shrunk lost and heartbeat thresholds on the real clock',
  'test/integration/status-watcher.test.ts': 'asserts status propagation within 1 s',
  'test/integration/agent-standin.test.ts': 'measures the heartbeat period to ±1 s, registration and a route within 2 s',
  'test/integration/credentials-disk-full.test.ts': 'fills a disk',
  'test/integration/etcd-tls.test.ts': 'fills a disk',
  'test/integration/control-plane-damaged-files.test.ts': 'fills a disk',
  // In the pool a clean CI run once saw one of its 30 simulated gateways Lost at B during the failover.
  'test/integration/cluster-replicas.test.ts': 'a 3-s lost threshold on the real clock while 30 simulated gateways fail over',
};

/** Files that run with no other file at all, last, one by one, and why. */
const ALONE: Record<string, string> = {
  // The app refuses to remove a profile while a gateway of a profile by that name runs anywhere on the
  // daemon (findManaged matches the profile label, not the home), so another file's "local" gateway
  // changes the error this file expects.
  'test/integration/web-bridge.test.ts': 'removes profile "local", refused while any file runs a "local" gateway',
  // A private dockerd takes the cores for seconds as it starts: beside it, in SERIAL, a clean CI run once
  // saw agent-standin's route served 2.35 s after its PUT, past that file's 2 s bound.
  'test/integration/engine-monitor-daemon.test.ts': 'stops and starts a private dockerd',
  'test/integration/engine-restart-policy-daemon.test.ts': 'stops and starts a private dockerd',
};
/** How many SERIAL files run at once after the pool. */
const SERIAL_JOBS = 3;

/**
 * Files known to take longest start first, so that the last file to finish is a short one. The
 * durations of the last run on this machine (.cache/test-durations.json) take over when there are some.
 */
const SLOW_FIRST = [
  // By a clean CI run's durations (.ci/run on a fresh clone has no .cache).
  'test/e2e/onboarding.test.ts',
  'test/integration/cert-auto-renew-cli.test.ts',
  'test/integration/cert-auto-renew.test.ts',
  'test/integration/lifecycle-audit-etcd-killed.test.ts',
  'test/integration/cli-gateway.test.ts',
  'test/integration/gateway-recovery.test.ts',
  'test/integration/lifecycle-faults.test.ts',
  'test/integration/lifecycle-audit-app-etcd-killed.test.ts',
  'test/integration/control-plane-background.test.ts',
  'test/integration/cluster-agent-failover.test.ts',
  'test/integration/lifecycle-app.test.ts',
  'test/integration/control-plane-cli.test.ts',
  // The longest of SERIAL, which orders its files the same way.
  'test/integration/agent-standin.test.ts',
  'test/integration/lifecycle-faults-sleep.test.ts',
  'test/integration/cluster-replicas.test.ts',
  'test/integration/status-paused.test.ts',
  'test/integration/status-watcher.test.ts',
];
const DURATIONS_FILE = '.cache/test-durations.json';

interface Group {
  name: string;
  dir: string;
  concurrency: number;
}

/**
 * Four pool files at a time unless told otherwise: with two, the cores were a third idle (the files
 * wait for containers, heartbeats and etcd), and a third lane made the same files 6% quicker even with
 * a type-check and a rebuild running beside them. Once the files and the CLI started as bundles, with
 * half the CPU, a fourth lane took the pool from about 424 s to 402 s (one clean CI run each).
 */
function jobs(args: string[]): number {
  const raw = args.find((a) => a.startsWith('--jobs='))?.slice('--jobs='.length) ?? process.env.GATEWAY_TRAY_TEST_JOBS ?? '4';
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    console.error(`--jobs wants a whole number of at least 1, not "${raw}"`);
    process.exit(2);
  }
  return n;
}

const GROUPS: Group[] = [
  // Shards for unit files: one per core (GATEWAY_TRAY_UNIT_SHARDS to try another number).
  { name: 'unit', dir: 'test/unit', concurrency: Number(process.env.GATEWAY_TRAY_UNIT_SHARDS) || Math.max(2, availableParallelism()) },
  { name: 'integration', dir: 'test/integration', concurrency: jobs(process.argv.slice(2)) },
  { name: 'e2e', dir: 'test/e2e', concurrency: 1 },
];

interface FileResult {
  file: string;
  group: string;
  ms: number;
  passed: number;
  failed: number;
  skipped: number;
  /** Its tests (leaves, not suites) with their own durations. */
  tests: Array<{ name: string; ms: number }>;
}

/** Counts leaves only: a suite's own pass or fail closes tests that were already counted. */
function count(events: TestEvent[]): Pick<FileResult, 'passed' | 'failed' | 'skipped' | 'tests'> {
  const out = { passed: 0, failed: 0, skipped: 0, tests: [] as FileResult['tests'] };
  let previousNesting = -1;
  for (const e of events) {
    if (e.type !== 'test:pass' && e.type !== 'test:fail') continue;
    const nesting = e.data.nesting ?? 0;
    const isSuite = previousNesting > nesting;
    previousNesting = nesting;
    if (isSuite) continue;
    if (e.data.skip !== undefined || e.data.todo !== undefined) out.skipped += 1;
    else if (e.type === 'test:pass') out.passed += 1;
    else out.failed += 1;
    const ms = (e.data.details as { duration_ms?: unknown } | undefined)?.duration_ms;
    if (typeof ms === 'number') out.tests.push({ name: e.data.name ?? '', ms });
  }
  return out;
}

async function renderTap(events: TestEvent[]): Promise<string> {
  // The reporter takes any async iterable of the runner's events; these are the ones run() gave.
  const source = Readable.from(events) as unknown as Parameters<typeof tap>[0];
  let text = '';
  for await (const line of tap(source)) text += line;
  return text;
}

/** The line of a finished file, its diagnostics, and the full TAP when it failed, written at once. */
async function report(result: FileResult, events: TestEvent[], tapEvents: TestEvent[], extra: string[] = []): Promise<void> {
  const mark = result.failed > 0 ? 'not ok' : 'ok';
  const lines = [`${mark} ${relative(ROOT, result.file)} (${(result.ms / 1000).toFixed(1)} s: ${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped)`];
  for (const e of events) if (e.type === 'test:diagnostic' && (e.data.nesting ?? 0) > 0) lines.push(`#   ${e.data.message ?? ''}`);
  let text = `${lines.join('\n')}\n`;
  if (result.failed > 0 || result.passed === 0) text += (await renderTap(tapEvents)) + extra.join('');
  process.stdout.write(text);
}

/** An integration or end-to-end file's bundle (test/runner/test-bundles.ts), which runs in its place. */
const bundleOf = new Map<string, string>();

async function runFile(file: string, group: Group): Promise<FileResult> {
  const started = Date.now();
  const events: TestEvent[] = [];
  for await (const event of run({ files: [bundleOf.get(file) ?? file], timeout: PER_FILE_TIMEOUT_MS }) as AsyncIterable<TestEvent>) events.push(event);
  const result = { file, group: group.name, ms: Date.now() - started, ...count(events) };
  await report(result, events, events);
  return result;
}

/** A file that ran in a shard, reported as if it had run alone. */
async function shardFileResult(r: ShardFileResult, group: Group): Promise<FileResult> {
  const counts = count(r.events);
  // The file's own suite failed with none of its tests: it did not load, a file-level hook failed,
  // it hung or its shard died. That is one failure, shown with the suite's error in the TAP.
  if (r.fileFailed && counts.failed === 0) counts.failed = 1;
  const result = { file: r.file, group: group.name, ms: r.ms, ...counts };
  const extra: string[] = [];
  if (r.problem) extra.push(`# ${relative(ROOT, r.file)}: ${r.problem}\n`);
  if (r.output.trim()) extra.push(`# what the file printed:\n${r.output.replace(/^/gm, '#   ')}\n`);
  await report(result, r.events, r.wrapped, extra);
  return result;
}

async function runUnitShards(files: string[], group: Group, results: FileResult[], notes: string[]): Promise<void> {
  const reports: Promise<void>[] = [];
  let chain = Promise.resolve();
  await runInShards(files, {
    root: ROOT,
    shards: group.concurrency,
    fileTimeoutMs: UNIT_FILE_TIMEOUT_MS,
    onFile: (r) => {
      // One file's report at a time, in the order the files finished.
      chain = chain.then(async () => {
        results.push(await shardFileResult(r, group));
      });
      reports.push(chain);
    },
    onNote: (note) => notes.push(note),
  });
  await Promise.all(reports);
}

function rememberedDurations(): Record<string, number> {
  try {
    const parsed: unknown = JSON.parse(readFileSync(join(ROOT, DURATIONS_FILE), 'utf8'));
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, number>) : {};
  } catch {
    return {};
  }
}

function rememberDurations(results: FileResult[]): void {
  try {
    const all = { ...rememberedDurations(), ...Object.fromEntries(results.map((r) => [relative(ROOT, r.file), r.ms])) };
    mkdirSync(join(ROOT, '.cache'), { recursive: true });
    writeFileSync(join(ROOT, DURATIONS_FILE), `${JSON.stringify(all, null, 1)}\n`);
  } catch {
    // only an ordering hint for the next run
  }
}

/** Longest first: by the last run's durations, else SLOW_FIRST, else by name. */
function longestFirst(files: string[]): string[] {
  const known = rememberedDurations();
  const weight = (f: string) => known[relative(ROOT, f)] ?? (SLOW_FIRST.includes(relative(ROOT, f)) ? Number.MAX_SAFE_INTEGER - SLOW_FIRST.indexOf(relative(ROOT, f)) : 0);
  return [...files].sort((a, b) => weight(b) - weight(a) || a.localeCompare(b));
}

async function runPool(files: string[], group: Group, concurrency: number, results: FileResult[], groupOf: (file: string) => Group = () => group): Promise<void> {
  const queue = [...files];
  const worker = async () => {
    for (let file = queue.shift(); file; file = queue.shift()) results.push(await runFile(file, groupOf(file)));
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker));
}

function filesOf(group: Group, only: string | undefined): string[] {
  return readdirSync(join(ROOT, group.dir))
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => join(ROOT, group.dir, f))
    .filter((f) => !only || f.includes(only))
    .sort();
}

/**
 * `companion` is a group whose files join this one's shared phase (the end-to-end files, in a whole
 * run): they make their own homes, ports and containers as any integration file does, and waiting for
 * them one by one after the integration files cost their whole time again.
 */
async function runGroup(group: Group, only: string | undefined, notes: string[], companion?: Group): Promise<FileResult[]> {
  const files = filesOf(group, only);
  const results: FileResult[] = [];
  if (group.name === 'unit') {
    const own = files.filter((f) => relative(ROOT, f) in UNIT_OWN_PROCESS);
    await Promise.all([
      runUnitShards(longestFirst(files.filter((f) => !own.includes(f))), group, results, notes),
      runPool(own, group, 1, results),
    ]);
    return results;
  }
  const joined = companion ? filesOf(companion, only) : [];
  const groupOf = (f: string): Group => (companion && joined.includes(f) ? companion : group);
  for (const [file, bundle] of await bundleTestFiles(ROOT, [...files, ...joined])) bundleOf.set(file, bundle);
  // Node 20's run() gives each file's process the runner's own node flags (process.execArgv), and takes
  // no others; every file from here on is a bundle, which runs without tsx.
  process.execArgv = BUNDLE_NODE_FLAGS;
  if (group.concurrency === 1) {
    await runPool([...files, ...joined], group, 1, results, groupOf);
    return results;
  }
  const serial = files.filter((f) => relative(ROOT, f) in SERIAL);
  const alone = files.filter((f) => relative(ROOT, f) in ALONE);
  // Three phases: the files that may share the machine, longest first; the serial ones, a few at a time,
  // longest first; then each of those that must be alone.
  const pooled = files.filter((f) => !serial.includes(f) && !alone.includes(f));
  await runPool(longestFirst([...pooled, ...joined]), group, group.concurrency, results, groupOf);
  if (serial.length > 0) console.log(`# ${group.name}: ${serial.length} files away from the pool, ${SERIAL_JOBS} at a time (SERIAL in test/run-tests.ts)`);
  await runPool(longestFirst(serial), group, SERIAL_JOBS, results);
  if (alone.length > 0) console.log(`# ${group.name}: ${alone.length} files that run alone (ALONE in test/run-tests.ts)`);
  await runPool(alone, group, 1, results);
  return results;
}

const args = process.argv.slice(2);
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const wanted = args.filter((a) => !a.startsWith('--'));
const gone = [...Object.keys(SERIAL), ...Object.keys(ALONE), ...Object.keys(UNIT_OWN_PROCESS)].filter((f) => {
  try {
    readFileSync(join(ROOT, f));
    return false;
  } catch {
    return true;
  }
});
if (gone.length > 0) {
  console.error(`SERIAL, ALONE or UNIT_OWN_PROCESS in test/run-tests.ts names files that do not exist: ${gone.join(', ')}`);
  process.exit(2);
}
const unknown = wanted.filter((w) => !GROUPS.some((g) => g.name === w));
if (unknown.length > 0) {
  console.error(`unknown test group ${unknown.join(', ')}: use ${GROUPS.map((g) => g.name).join(', ')}`);
  process.exit(2);
}
const started = Date.now();
const results: FileResult[] = [];
const notes: string[] = [];
const runs = (name: string) => wanted.length === 0 || wanted.includes(name);
// With integration in the run, the end-to-end files share its pool instead of running after it.
const e2eJoins = runs('integration') && runs('e2e');
const listArg = (flag: string) => (args.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1) ?? '').split(',').filter(Boolean);
const checkNames = listArg('--checks');
let checks: ReturnType<typeof runNpmScripts> | undefined;
/**
 * The checks (`npm test`: the type-check and lint) start with the integration files, or at once when there
 * are none (before any test ran they cost about 40 s), at the lowest CPU priority: the pool keeps both
 * cores busy, and beside it they took about 80 s of its CPU (a clean run: the cores 95–100% busy from the
 * pool's start to its end), while the files away from the pool leave the cores mostly idle afterwards.
 * Niced, they take what the pool leaves and then that idle time, and a file of SERIAL that wakes still
 * finds a core at once.
 */
const startChecks = () => {
  if (checkNames.length > 0) checks ??= runNpmScripts(checkNames, 'checks', { background: true });
};
/**
 * npm scripts run first, at the same time (`npm test`: the build, busted and the fixture image build). One that
 * fails fails the run, and no test file starts. Beside the unit files the fixture build took 37 s
 * instead of 15 s and the unit files 50 s instead of 32 s: both want the cores.
 */
const prepareNames = listArg('--prepare');
const prepared = prepareNames.length > 0 ? await runNpmScripts(prepareNames, 'prepared') : undefined;
if (prepared) console.log(`# ${prepared.summary}`);
if (!runs('integration')) startChecks();
for (const group of GROUPS) {
  if (!runs(group.name) || (group.name === 'e2e' && e2eJoins) || (prepared && prepared.failed.length > 0)) continue;
  if (group.name === 'integration') startChecks();
  const groupStarted = Date.now();
  const companion = group.name === 'integration' && e2eJoins ? GROUPS.find((g) => g.name === 'e2e') : undefined;
  results.push(...(await runGroup(group, only, notes, companion)));
  console.log(`# ${companion ? `${group.name} and ${companion.name}` : group.name}: ${((Date.now() - groupStarted) / 1000).toFixed(1)} s`);
}
const checked = checks ? await checks : undefined;

console.log('\n# duration of each test file, slowest first');
for (const r of [...results].sort((a, b) => b.ms - a.ms)) {
  console.log(`#   ${(r.ms / 1000).toFixed(1).padStart(6)} s  ${r.group.padEnd(11)} ${relative(ROOT, r.file)}`);
}
// Where the time goes inside the files: the slowest tests of the whole run, by their own durations.
const SLOWEST_TESTS = 15;
const tests = results.flatMap((r) => r.tests.map((t) => ({ ...t, file: relative(ROOT, r.file) })));
console.log(`\n# the ${SLOWEST_TESTS} slowest tests`);
for (const t of tests.sort((a, b) => b.ms - a.ms).slice(0, SLOWEST_TESTS)) {
  console.log(`#   ${(t.ms / 1000).toFixed(1).padStart(6)} s  ${t.file}: ${t.name.length > 90 ? `${t.name.slice(0, 89)}…` : t.name}`);
}
const total = results.reduce((t, r) => ({ passed: t.passed + r.passed, failed: t.failed + r.failed, skipped: t.skipped + r.skipped }), {
  passed: 0,
  failed: 0,
  skipped: 0,
});
const empty = results.filter((r) => r.passed + r.failed + r.skipped === 0);
for (const r of empty) console.log(`# ${relative(ROOT, r.file)} ran no test: it failed to load`);
for (const note of notes) console.log(`# ${note}`);
if (prepared && prepared.failed.length > 0) console.log(`# no test file ran: ${prepared.summary}`);
if (checked) console.log(`# ${checked.summary}`);
console.log(`# ${results.length} files in ${((Date.now() - started) / 1000).toFixed(1)} s`);
rememberDurations(results);
const ciStarted = Number(process.env.GATEWAY_TRAY_CI_STARTED_MS);
if (ciStarted > 0) console.log(`# .ci/run so far, installs and fixtures included: ${((Date.now() - ciStarted) / 1000).toFixed(0)} s`);
// A note is a shard that a file kept alive after its last file: one failure, as a hung file was.
// A failed check (type-check, lint) counts as one failure, as a file that did not load does.
const checkFailures = (checked?.failed.length ?? 0) + (prepared?.failed.length ?? 0);
console.log(`${total.passed} passed, ${total.failed + empty.length + notes.length + checkFailures} failed, ${total.skipped} skipped`);
process.exitCode = total.failed > 0 || empty.length > 0 || notes.length > 0 || checkFailures > 0 || total.passed === 0 ? 1 : 0;
