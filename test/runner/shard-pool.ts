/**
 * Runs unit files in a few long-lived shard processes (test/runner/unit-shard.ts), each taking the
 * next file from one queue when it has finished the last, and gives back, per file, its own events as
 * if it had run alone: the suite that wraps it in the shard is taken out and the nesting shifted back.
 *
 * A file that runs longer than its bound, whose shard dies under it, or that leaves state behind
 * (test/runner/leftovers.ts) is failed by name (with the test that was running, and what it printed);
 * its shard is killed and a new one takes the rest of the queue. A shard that does not exit once its queue is empty was kept alive by a file that left a
 * handle open; it is killed and named in the report.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fromWire, type FromShard, type TestEvent, type ToShard } from './shard-wire.ts';

const SHARD_ENTRY = resolve(import.meta.dirname, 'unit-shard.ts');
const SHARD_REPORTER = pathToFileURL(resolve(import.meta.dirname, 'shard-reporter.ts')).href;
/** How long a shard may take to exit after its last file before it counts as kept alive. */
const EXIT_GRACE_MS = 10_000;
/** The runner's own node flags, less its test reporters: a shard has its own. */
const NODE_FLAGS = process.execArgv.filter((a) => !a.startsWith('--test-reporter'));
const WRAPPER_EVENTS = new Set(['test:enqueue', 'test:dequeue', 'test:start', 'test:pass', 'test:fail', 'test:complete']);

export interface ShardFileResult {
  file: string;
  ms: number;
  /** The file's events as a process of its own would report them. */
  events: TestEvent[];
  /** The same events inside the suite named after the file, for the TAP of a file that failed. */
  wrapped: TestEvent[];
  /** The suite itself failed: a load error, a failing file-level hook, a timeout or a dead shard. */
  fileFailed: boolean;
  /** Why the file was cut short, when it was. */
  problem?: string;
  /** What the shard wrote to stdout and stderr while this file ran. */
  output: string;
}

export interface ShardPoolOptions {
  root: string;
  shards: number;
  fileTimeoutMs: number;
  onFile: (result: ShardFileResult) => void;
  /** Notes for the closing report: shards that would not exit. */
  onNote: (note: string) => void;
  exitGraceMs?: number;
}

interface Current {
  file: string;
  name: string;
  started: number;
  wrapped: TestEvent[];
  output: string[];
  timer: NodeJS.Timeout;
  reported: boolean;
  leftovers: string[] | undefined;
}

function unwrap(wrapped: TestEvent[]): { events: TestEvent[]; fileFailed: boolean } {
  const events: TestEvent[] = [];
  let fileFailed = false;
  for (const e of wrapped) {
    const nesting = e.data.nesting ?? 0;
    if (nesting === 0 && WRAPPER_EVENTS.has(e.type)) {
      if (e.type === 'test:fail') fileFailed = true;
      continue;
    }
    events.push({ ...e, data: { ...e.data, nesting: Math.max(0, nesting - 1) } });
  }
  return { events, fileFailed };
}

/** The tests that had started and not finished: a test:dequeue with no test:complete yet. */
function running(wrapped: TestEvent[]): string[] {
  const open: { name: string; nesting: number }[] = [];
  for (const e of wrapped) {
    const nesting = e.data.nesting ?? 0;
    if (nesting === 0) continue;
    if (e.type === 'test:dequeue') open.push({ name: e.data.name ?? '?', nesting });
    if (e.type === 'test:complete') {
      const at = open.findLastIndex((o) => o.name === e.data.name && o.nesting === nesting);
      if (at >= 0) open.splice(at, 1);
    }
  }
  return open.map((o) => o.name);
}

export async function runInShards(files: string[], options: ShardPoolOptions): Promise<void> {
  const queue = [...files];
  let live = 0;
  let settle: () => void = () => {};
  const allDone = new Promise<void>((r) => {
    settle = r;
  });

  const finish = (current: Current, problem?: string) => {
    clearTimeout(current.timer);
    const { events, fileFailed } = unwrap(current.wrapped);
    // The TAP numbers a file's suite as the shard counted it; alone, it is the first.
    const wrapped = current.wrapped.map((e) => ((e.data.nesting ?? 0) === 0 && 'testNumber' in e.data ? { ...e, data: { ...e.data, testNumber: 1 } } : e));
    options.onFile({
      file: current.file,
      ms: Date.now() - current.started,
      events,
      wrapped,
      fileFailed: fileFailed || problem !== undefined,
      problem,
      output: current.output.join(''),
    });
  };

  const startShard = (index: number) => {
    live += 1;
    const child: ChildProcess = spawn(process.execPath, [...NODE_FLAGS, `--test-reporter=${SHARD_REPORTER}`, SHARD_ENTRY], {
      cwd: options.root,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
      env: { ...process.env, NODE_TEST_CONTEXT: undefined },
    });
    let current: Current | undefined;
    let ready = false;
    const done: string[] = [];
    const startup: string[] = [];
    let exitTimer: NodeJS.Timeout | undefined;
    const capture = (chunk: Buffer) => (current ? current.output : startup).push(chunk.toString());
    child.stdout?.on('data', capture);
    child.stderr?.on('data', capture);

    const next = () => {
      const file = queue.shift();
      if (file === undefined) {
        child.disconnect();
        const grace = options.exitGraceMs ?? EXIT_GRACE_MS;
        exitTimer = setTimeout(() => {
          options.onNote(`shard ${index} did not exit within ${grace / 1000} s of its last file: one of its files left a handle open (${done.join(', ')})`);
          child.kill('SIGKILL');
        }, grace);
        return;
      }
      const name = relative(options.root, file);
      const timer = setTimeout(() => {
        if (!current) return;
        const inTest = running(current.wrapped);
        const cut = current;
        current = undefined;
        finish(cut, `timed out after ${(options.fileTimeoutMs / 1000).toFixed(0)} s${inTest.length > 0 ? `, in test "${inTest.join('" > "')}"` : ''}`);
        child.kill('SIGKILL');
      }, options.fileTimeoutMs);
      current = { file, name, started: Date.now(), wrapped: [], output: [], timer, reported: false, leftovers: undefined };
      child.send({ type: 'run', file, name } satisfies ToShard);
    };

    child.on('message', (message: FromShard) => {
      if (message.type === 'ready') {
        ready = true;
        next();
      }
      else if (message.type === 'event') current?.wrapped.push(fromWire(message.event) as TestEvent);
      else if ((message.type === 'done' || message.type === 'checked') && current && message.name === current.name) {
        if (message.type === 'done') current.reported = true;
        else current.leftovers = message.leftovers;
        if (!current.reported || current.leftovers === undefined) return;
        const finished = current;
        current = undefined;
        done.push(finished.name);
        const left = finished.leftovers ?? [];
        if (left.length === 0) {
          finish(finished);
          next();
          return;
        }
        finish(finished, `left behind in the process it shares with other unit files: ${left.join('; ')} (clean up in an after hook, or list the file in UNIT_OWN_PROCESS in test/run-tests.ts with the reason)`);
        // The next file gets a clean process: a new shard takes the rest of the queue.
        child.kill('SIGKILL');
      }
    });
    let gone = false;
    const onGone = (code: number | null, signal: string | null) => {
      if (gone) return;
      gone = true;
      clearTimeout(exitTimer);
      if (current) {
        const cut = current;
        current = undefined;
        const inTest = running(cut.wrapped);
        finish(cut, `its shard exited (${signal ?? `code ${code}`})${inTest.length > 0 ? ` in test "${inTest.join('" > "')}"` : ''}`);
      }
      live -= 1;
      if (!ready) {
        // A shard that cannot start would not start the next time either: the files left fail with its words.
        const why = `a unit shard exited (${signal ?? `code ${code}`}) before it could run a file: ${startup.join('').trim()}`;
        for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
          options.onFile({ file, ms: 0, events: [], wrapped: [], fileFailed: true, problem: why, output: '' });
        }
      } else if (queue.length > 0) {
        // A shard cut short leaves its share of the queue to a new one.
        startShard(index);
      }
      if (live === 0) settle();
    };
    child.on('exit', onGone);
    child.on('error', (error) => {
      startup.push(`${error.message}\n`);
      // A process that never started sends no 'exit'.
      if (child.pid === undefined) onGone(null, null);
    });
  };

  const count = Math.min(options.shards, queue.length);
  if (count === 0) return;
  for (let i = 0; i < count; i += 1) startShard(i + 1);
  await allDone;
}
