import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { alive } from './background-process.ts';

export class HomeLockTimeoutError extends Error {
  override name = 'HomeLockTimeoutError';
  constructor(readonly file: string, readonly ownerPid: number | undefined, waitedMs: number) {
    super(`${file} is held by pid ${ownerPid ?? '?'} (another launch on this home) and was not released within ${Math.round(waitedMs / 1000)} s; wait for it, or stop that process`);
  }
}

export interface HeldLock {
  file: string;
  release(): void;
}

function ownerOf(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** One attempt: the file is created with O_EXCL, so of two processes exactly one gets it. */
export function tryLock(file: string): HeldLock | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const owner = ownerOf(file);
    // A lock of a dead pid (or one still being written: no pid yet, checked again next round) is stale.
    if (owner !== undefined && !alive(owner)) {
      rmSync(file, { force: true });
      return tryLock(file);
    }
    return undefined;
  }
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  let released = false;
  return {
    file,
    release() {
      if (released) return;
      released = true;
      if (ownerOf(file) === process.pid) rmSync(file, { force: true });
    },
  };
}

/**
 * Takes the lock file, waiting while a live process holds it. `whileWaiting` runs between attempts and may
 * end the wait early with a value (the loser uses what the winner made). Resolves the lock, or that value.
 */
export async function acquireLock<T>(
  file: string,
  opts: { timeoutMs: number; pollMs?: number; whileWaiting?: () => Promise<T | undefined> },
): Promise<{ lock: HeldLock } | { found: T }> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const lock = tryLock(file);
    if (lock) return { lock };
    const found = await opts.whileWaiting?.();
    if (found !== undefined) return { found };
    if (Date.now() >= deadline) throw new HomeLockTimeoutError(file, ownerOf(file), opts.timeoutMs);
    await sleep(opts.pollMs ?? 200);
  }
}
