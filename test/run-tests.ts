/**
 * Runs the test files with node's test runner, group by group: unit tests concurrently (they share
 * nothing), then integration and end-to-end tests one file at a time (they share one Docker daemon, and
 * some restart things in it). Each file runs in its own `run()` so that its duration is measured, not
 * guessed. A line per file as it finishes, with its diagnostics; the full TAP of a file that failed;
 * then each file's duration, slowest first, the total, and one closing line
 * `N passed, N failed, N skipped` for the whole run.
 *
 *   node --import tsx test/run-tests.ts [unit|integration|e2e ...] [--only=<substring>]
 */
import { readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { run } from 'node:test';
import { tap } from 'node:test/reporters';

const ROOT = resolve(import.meta.dirname, '..');
/**
 * A file that runs longer than this has hung: it fails with a timeout instead of stalling CI. Node 20's
 * runner applies a timeout to a whole file (`run({timeout})` and `--test-timeout` alike), not to each
 * test in it, so this is a per-file bound, well above the slowest file; tests that can hang carry their
 * own `timeout`.
 */
const PER_FILE_TIMEOUT_MS = 600_000;

interface Group {
  name: string;
  dir: string;
  concurrency: number;
}

const GROUPS: Group[] = [
  { name: 'unit', dir: 'test/unit', concurrency: Math.max(2, availableParallelism()) },
  { name: 'integration', dir: 'test/integration', concurrency: 1 },
  { name: 'e2e', dir: 'test/e2e', concurrency: 1 },
];

interface TestEvent {
  type: string;
  data: { name?: string; nesting?: number; skip?: unknown; todo?: unknown; message?: string };
}

interface FileResult {
  file: string;
  group: string;
  ms: number;
  passed: number;
  failed: number;
  skipped: number;
}

/** Counts leaves only: a suite's own pass or fail closes tests that were already counted. */
function count(events: TestEvent[]): Pick<FileResult, 'passed' | 'failed' | 'skipped'> {
  const out = { passed: 0, failed: 0, skipped: 0 };
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
  }
  return out;
}

async function printTap(events: TestEvent[]): Promise<void> {
  // The reporter takes any async iterable of the runner's events; these are the ones run() gave.
  const source = Readable.from(events) as unknown as Parameters<typeof tap>[0];
  for await (const line of tap(source)) process.stdout.write(line);
}

async function runFile(file: string, group: Group): Promise<FileResult> {
  const started = Date.now();
  const events: TestEvent[] = [];
  for await (const event of run({ files: [file], timeout: PER_FILE_TIMEOUT_MS }) as AsyncIterable<TestEvent>) events.push(event);
  const result = { file, group: group.name, ms: Date.now() - started, ...count(events) };
  const name = relative(ROOT, file);
  const mark = result.failed > 0 ? 'not ok' : 'ok';
  const lines = [`${mark} ${name} (${(result.ms / 1000).toFixed(1)} s: ${result.passed} passed, ${result.failed} failed, ${result.skipped} skipped)`];
  for (const e of events) if (e.type === 'test:diagnostic' && (e.data.nesting ?? 0) > 0) lines.push(`#   ${e.data.message ?? ''}`);
  process.stdout.write(`${lines.join('\n')}\n`);
  if (result.failed > 0 || result.passed === 0) await printTap(events);
  return result;
}

async function runGroup(group: Group, only: string | undefined): Promise<FileResult[]> {
  const queue = readdirSync(join(ROOT, group.dir))
    .filter((f) => f.endsWith('.test.ts'))
    .map((f) => join(ROOT, group.dir, f))
    .filter((f) => !only || f.includes(only))
    .sort();
  const results: FileResult[] = [];
  const worker = async () => {
    for (let file = queue.shift(); file; file = queue.shift()) results.push(await runFile(file, group));
  };
  await Promise.all(Array.from({ length: group.concurrency }, worker));
  return results;
}

const args = process.argv.slice(2);
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const wanted = args.filter((a) => !a.startsWith('--'));
const unknown = wanted.filter((w) => !GROUPS.some((g) => g.name === w));
if (unknown.length > 0) {
  console.error(`unknown test group ${unknown.join(', ')}: use ${GROUPS.map((g) => g.name).join(', ')}`);
  process.exit(2);
}
const started = Date.now();
const results: FileResult[] = [];
for (const group of GROUPS) {
  if (wanted.length === 0 || wanted.includes(group.name)) {
    const groupStarted = Date.now();
    results.push(...(await runGroup(group, only)));
    console.log(`# ${group.name}: ${((Date.now() - groupStarted) / 1000).toFixed(1)} s`);
  }
}

console.log('\n# duration of each test file, slowest first');
for (const r of [...results].sort((a, b) => b.ms - a.ms)) {
  console.log(`#   ${(r.ms / 1000).toFixed(1).padStart(6)} s  ${r.group.padEnd(11)} ${relative(ROOT, r.file)}`);
}
const total = results.reduce((t, r) => ({ passed: t.passed + r.passed, failed: t.failed + r.failed, skipped: t.skipped + r.skipped }), {
  passed: 0,
  failed: 0,
  skipped: 0,
});
const empty = results.filter((r) => r.passed + r.failed + r.skipped === 0);
for (const r of empty) console.log(`# ${relative(ROOT, r.file)} ran no test: it failed to load`);
console.log(`# ${results.length} files in ${((Date.now() - started) / 1000).toFixed(1)} s`);
const ciStarted = Number(process.env.GATEWAY_TRAY_CI_STARTED_MS);
if (ciStarted > 0) console.log(`# .ci/run so far, installs and fixtures included: ${((Date.now() - ciStarted) / 1000).toFixed(0)} s`);
console.log(`${total.passed} passed, ${total.failed + empty.length} failed, ${total.skipped} skipped`);
process.exitCode = total.failed > 0 || empty.length > 0 || total.passed === 0 ? 1 : 0;
