import { spawn } from 'node:child_process';
import { closeSync, fstatSync, openSync, readFileSync, renameSync, statSync } from 'node:fs';
import { writeFileAtomic } from '../credentials/atomic-write.ts';

export interface BackgroundProcess {
  pid: number;
  logFile: string;
  /** Where this run's lines begin in `logFile`: the log is appended to, and earlier runs' lines are not this one's. */
  logStart: number;
  /** Resolves with the exit code if the process ends (used while waiting for it to be ready). */
  exited: Promise<number | null>;
}

/** Above this size a background log is set aside at the next start, so a log that runs for months stays bounded. */
export const LOG_ROTATE_BYTES = 10 * 1024 * 1024;

/**
 * Moves `path` to `path.1` (replacing an older `.1`) when it has grown past `maxBytes`. It runs only
 * before a process opens the log: the running process keeps its descriptor, so rotating under it would
 * send its lines to the old file.
 */
export function rotateLogIfLarge(path: string, maxBytes = LOG_ROTATE_BYTES): boolean {
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    return false;
  }
  if (size <= maxBytes) return false;
  renameSync(path, `${path}.1`);
  return true;
}

/**
 * Starts a process that outlives this command: detached, in its own process group, its output appended
 * to `logFile`, its pid written to `pidFile`. The caller stops it later by that pid.
 */
export function startBackground(command: string, args: string[], files: { logFile: string; pidFile: string; rotateBytes?: number }, env: NodeJS.ProcessEnv = process.env): BackgroundProcess {
  rotateLogIfLarge(files.logFile, files.rotateBytes);
  const fd = openSync(files.logFile, 'a', 0o600);
  const logStart = fstatSync(fd).size;
  let child;
  try {
    child = spawn(command, args, { detached: true, stdio: ['ignore', fd, fd], env });
  } finally {
    closeSync(fd);
  }
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(-1));
  });
  child.unref();
  if (child.pid === undefined) throw new Error(`Could not start ${command}.`);
  writeFileAtomic(files.pidFile, `${child.pid}\n`, 0o600);
  return { pid: child.pid, logFile: files.logFile, logStart, exited };
}

/** The last lines of a log file, for an error message; from `fromByte` on, when only one run's lines count. */
export function tailOf(path: string, lines = 20, fromByte = 0): string[] {
  try {
    return readFileSync(path).subarray(fromByte).toString('utf8').trimEnd().split('\n').slice(-lines);
  } catch {
    return [];
  }
}

/** True when a process with this pid exists (signal 0 checks without touching it). */
export function alive(pid: number): boolean {
  // kill(0) would signal this process's whole group, and a garbled pid file reads as NaN: neither is a process.
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
