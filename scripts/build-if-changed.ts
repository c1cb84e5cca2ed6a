/**
 * Builds a part of the app unless what it is built from is unchanged since its last build:
 *
 *   tsx scripts/build-if-changed.ts main | renderer [...]   (several build at the same time)
 *
 * `main` is the compiled app in dist/ (tsc -p tsconfig.build.json --noCheck) and the CLI bundled over it
 * (scripts/build-cli.ts), `renderer` the window (its
 * type-check, then Vite). `npm run build` and `npm run build:renderer` go through here, and so do the tests
 * that start the CLI or serve the UI (test/helpers/cli-process.ts, test/helpers/ui-web.ts).
 *
 * The tests start the CLI as users do, compiled (`node dist/cli/main.js`: 0.75 s and 0.8 s of CPU here,
 * against 1.5 s and 2 s under tsx, for every one of the suite's CLI runs), and every UI test file needs a
 * built renderer; each used to build it again (20–40 s here) while `npm ci` had just built it. Worse, two
 * files running side by side could build at once, and Vite empties `renderer/dist` first, under a
 * `ui --web` of the other file serving it. So a build is keyed by a hash of its inputs, and one build of
 * a part runs at a time per checkout, under a lock that the others wait on.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { alive } from '../src/core/gateway/background-process.ts';

const ROOT = resolve(import.meta.dirname, '..');
const LOCK_WAIT_MS = 300_000;
const CONFIGS = ['package-lock.json', 'package.json', 'tsconfig.json'];

export interface BuildTarget {
  name: string;
  /** Folders and files whose content decides the build (a folder with everything under it). */
  inputs: string[];
  /** Folders under the inputs that the build writes, not reads. */
  outputs: string[];
  /** A file the build leaves, which must exist for the stamp to count. */
  product: string;
  /** Commands of node_modules/.bin, run in order. */
  steps: [string, ...string[]][];
}

export const MAIN: BuildTarget = {
  name: 'main',
  inputs: ['src', 'tsconfig.build.json', 'scripts/build-cli.ts', 'scripts/import-meta.ts', ...CONFIGS],
  outputs: [],
  product: 'dist/cli/main.js',
  steps: [
    // Emit only: `npm run typecheck` checks these files and the tests together, and checking them again
    // here cost 24 s of CPU against 10 s (the same output either way).
    ['tsc', '-p', 'tsconfig.build.json', '--noCheck'],
    // Then the CLI's entry becomes one bundle with its packages, which starts in half the CPU.
    ['tsx', 'scripts/build-cli.ts'],
  ],
};

/** The renderer imports src/contract (and through it other src files), so all of src/ counts. */
export const RENDERER: BuildTarget = {
  name: 'renderer',
  inputs: ['renderer', 'src', ...CONFIGS],
  outputs: ['renderer/dist'],
  product: 'renderer/dist/index.html',
  steps: [
    ['tsc', '-p', 'renderer/tsconfig.json', '--incremental', '--tsBuildInfoFile', '.cache/tsc-renderer.tsbuildinfo'],
    ['vite', 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn'],
  ],
};

const TARGETS: Record<string, BuildTarget> = { main: MAIN, renderer: RENDERER };
const stampOf = (t: BuildTarget) => join(ROOT, `.cache/${t.name}-build.sha256`);
const lockOf = (t: BuildTarget) => join(ROOT, `.cache/${t.name}-build.lock`);

function filesUnder(dir: string, skip: Set<string>): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (skip.has(path)) continue;
    if (entry.isDirectory()) out.push(...filesUnder(path, skip));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/** One hash of every file a build reads, by path and content. */
export function inputsHash(t: BuildTarget): string {
  const skip = new Set(t.outputs.map((o) => join(ROOT, o)));
  const files = t.inputs
    .map((i) => join(ROOT, i))
    .filter((i) => existsSync(i))
    .flatMap((i) => (statSync(i).isDirectory() ? filesUnder(i, skip) : [i]))
    .sort();
  const hash = createHash('sha256');
  for (const file of files) hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

function upToDate(t: BuildTarget, hash: string): boolean {
  const stamp = stampOf(t);
  return existsSync(join(ROOT, t.product)) && existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === hash;
}

function run(bin: string, args: string[]): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(join(ROOT, 'node_modules/.bin', bin), args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code, signal) => (code === 0 ? resolvePromise() : reject(new Error(`${bin} ${args.join(' ')} failed (${signal ?? code})`))));
  });
}

function lockOwnerAlive(lock: string): boolean {
  try {
    return alive(Number(readFileSync(join(lock, 'pid'), 'utf8')));
  } catch (err) {
    // No pid file yet means its owner is writing it this instant.
    return (err as NodeJS.ErrnoException).code === 'ENOENT' && statAge(lock) < 5_000;
  }
}

function statAge(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return Infinity;
  }
}

async function withBuildLock<T>(lock: string, work: () => Promise<T>): Promise<T> {
  mkdirSync(join(ROOT, '.cache'), { recursive: true });
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (!lockOwnerAlive(lock)) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`another build (${lock}) did not finish within ${LOCK_WAIT_MS / 1000} s`, { cause: err });
      else await sleep(200);
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Builds the target when its inputs changed; true when it built. */
export async function buildIfChanged(t: BuildTarget): Promise<boolean> {
  if (upToDate(t, inputsHash(t))) return false;
  return withBuildLock(lockOf(t), async () => {
    // Whoever held the lock before may have built these very inputs.
    const hash = inputsHash(t);
    if (upToDate(t, hash)) return false;
    rmSync(stampOf(t), { force: true });
    for (const [bin, ...args] of t.steps) await run(bin, args);
    writeFileSync(stampOf(t), `${hash}\n`);
    return true;
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const names = process.argv.slice(2);
  const targets = names.map((n) => TARGETS[n]);
  if (names.length === 0 || targets.some((t) => !t)) {
    console.error(`usage: tsx scripts/build-if-changed.ts ${Object.keys(TARGETS).join(' | ')} [...]`);
    process.exit(2);
  }
  // Several parts build at the same time: each is one tsc (or tsc then Vite) on one core, with a lock of its own.
  await Promise.all(
    (targets as BuildTarget[]).map(async (t) => {
      if (!(await buildIfChanged(t))) console.log(`${t.name}: unchanged since its last build (.cache/${t.name}-build.sha256)`);
    }),
  );
}
