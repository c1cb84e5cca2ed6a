/**
 * One unit shard: a long-lived process that runs the unit files the runner hands it, one after
 * another, so that node, tsx and the src import graph load once per shard instead of once per file.
 * Started by test/runner/shard-pool.ts with test/runner/shard-reporter.ts as its test reporter, which
 * forwards every event to the runner.
 *
 * Each file is imported inside a suite named after it. Its top-level tests and hooks (before,
 * beforeEach, after, afterEach) then belong to that suite: they run for that file's tests only, and
 * its `after` runs when the file ends, as it does when the file has a process of its own. A suite,
 * unlike a test, waits for the tests created in it.
 */
import { describe } from 'node:test';
import { pathToFileURL } from 'node:url';
import { leftovers, snapshot, type Snapshot } from './leftovers.ts';
import type { FromShard, ToShard } from './shard-wire.ts';

/** How long handles a file closed may take to go, before they count as left open. */
const SETTLE_MS = 2_000;

function send(message: FromShard): void {
  if (process.connected) process.send?.(message);
}

if (!process.send) {
  console.error('test/runner/unit-shard.ts is started by test/run-tests.ts, with an IPC channel');
  process.exit(2);
}

async function settledLeftovers(before: Snapshot, loaded: Snapshot): Promise<string[]> {
  const deadline = Date.now() + SETTLE_MS;
  for (;;) {
    const left = leftovers(before, loaded);
    if (left.length === 0 || Date.now() >= deadline) return left;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function runFile(file: string, name: string): Promise<void> {
  let before: Snapshot | undefined;
  let loaded: Snapshot | undefined;
  // A file that fails to load fails its suite, with the import error, and the shard goes on.
  await describe(name, async () => {
    // Taken here, not earlier: the test harness sets up its own process handlers with the first suite.
    before = snapshot();
    await import(pathToFileURL(file).href);
    // The suite's tests run once this function has returned.
    loaded = snapshot();
  });
  send({ type: 'checked', name, leftovers: before && loaded ? await settledLeftovers(before, loaded) : [] });
}

/**
 * Packages that set up once-per-process state when they first load: zod its registry globals, conf (through
 * atomically's when-exit) handlers for SIGINT, SIGTERM and SIGHUP. Loaded here, before any file, so the
 * file that happens to load them first, during a test, is not taken for having left them behind.
 */
await import('zod');
await import('conf');

process.on('message', (message: ToShard) => {
  if (message.type === 'run') void runFile(message.file, message.name);
});
send({ type: 'ready' });
