/**
 * Builds the renderer (type-check, then Vite) unless what it is built from is unchanged since the last
 * build: `npm run build:renderer`, and the tests that serve the UI (test/helpers/ui-web.ts).
 *
 * Every end-to-end file and the UI integration files need a built renderer, and each used to build it
 * again (20–40 s here), while `npm ci` had just built it. Worse, two files running side by side could
 * build at once, and Vite empties `renderer/dist` first, under a `ui --web` of the other file serving
 * it. So a build is keyed by a hash of its inputs (everything under renderer/ but dist, all of src/,
 * which the renderer imports through src/contract, the lock file and the configs), and one build runs at a
 * time per checkout, under a lock that the others wait on.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(import.meta.dirname, '..');
const STAMP = join(ROOT, '.cache/renderer-build.sha256');
const LOCK = join(ROOT, '.cache/renderer-build.lock');
const OUTPUT = join(ROOT, 'renderer/dist/index.html');
const LOCK_WAIT_MS = 300_000;

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

/** One hash of every file the renderer's build reads, by path and content. */
export function rendererInputsHash(): string {
  const files = [
    ...filesUnder(join(ROOT, 'renderer'), new Set([join(ROOT, 'renderer/dist')])),
    ...filesUnder(join(ROOT, 'src'), new Set()),
    ...['package-lock.json', 'package.json', 'tsconfig.json'].map((f) => join(ROOT, f)).filter((f) => existsSync(f)),
  ].sort();
  const hash = createHash('sha256');
  for (const file of files) hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

function upToDate(hash: string): boolean {
  return existsSync(OUTPUT) && existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === hash;
}

function run(bin: string, args: string[]): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(join(ROOT, 'node_modules/.bin', bin), args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    child.once('error', reject);
    child.once('exit', (code, signal) => (code === 0 ? resolvePromise() : reject(new Error(`${bin} ${args.join(' ')} failed (${signal ?? code})`))));
  });
}

function lockOwnerAlive(): boolean {
  try {
    const pid = Number(readFileSync(join(LOCK, 'pid'), 'utf8'));
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // No pid file yet means its owner is writing it this instant.
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'EPERM' || (code === 'ENOENT' && statAge(LOCK) < 5_000);
  }
}

function statAge(path: string): number {
  try {
    return Date.now() - statSync(path).mtimeMs;
  } catch {
    return Infinity;
  }
}

async function withBuildLock<T>(work: () => Promise<T>): Promise<T> {
  mkdirSync(join(ROOT, '.cache'), { recursive: true });
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(LOCK);
      writeFileSync(join(LOCK, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (!lockOwnerAlive()) rmSync(LOCK, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`another renderer build (${LOCK}) did not finish within ${LOCK_WAIT_MS / 1000} s`, { cause: err });
      else await sleep(200);
    }
  }
  try {
    return await work();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

/** Builds the renderer when its inputs changed; true when it built. */
export async function buildRendererIfChanged(): Promise<boolean> {
  if (upToDate(rendererInputsHash())) return false;
  return withBuildLock(async () => {
    // Whoever held the lock before may have built these very inputs.
    const hash = rendererInputsHash();
    if (upToDate(hash)) return false;
    rmSync(STAMP, { force: true });
    await run('tsc', ['-p', 'renderer/tsconfig.json', '--incremental', '--tsBuildInfoFile', '.cache/tsc-renderer.tsbuildinfo']);
    await run('vite', ['build', '--config', 'renderer/vite.config.ts', '--logLevel', 'warn']);
    writeFileSync(STAMP, `${hash}\n`);
    return true;
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const built = await buildRendererIfChanged();
  if (!built) console.log('renderer: unchanged since its last build (.cache/renderer-build.sha256)');
}
