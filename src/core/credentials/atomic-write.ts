import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, linkSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Private folders: only the desktop user may list or enter them. */
export const PRIVATE_DIR_MODE = 0o700;
/** Secrets and private keys. */
export const PRIVATE_FILE_MODE = 0o600;
/** Certificates and ids: not secret, and the gateway container must be able to read a bind-mounted id. */
export const PUBLIC_FILE_MODE = 0o644;

/** Creates `dir` (and missing parents) and sets `mode` on it, so a looser umask never wins. */
export function ensureDir(dir: string, mode: number = PRIVATE_DIR_MODE): void {
  mkdirSync(dir, { recursive: true, mode });
  chmodSync(dir, mode);
}

const PLAIN: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOENT: 'no such folder',
};

/** A failed write that names its file in plain words; `code` stays Node's, for callers that branch on it. */
export class FileWriteError extends Error {
  override name = 'FileWriteError';
  readonly code: string | undefined;
  readonly path: string;

  constructor(path: string, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    const plain = code ? PLAIN[code] : undefined;
    super(plain ? `${plain} (${path})` : `could not write ${path}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.code = code;
    this.path = path;
  }
}

function named(path: string, error: unknown): unknown {
  return error instanceof FileWriteError ? error : new FileWriteError(path, error);
}

function tempPathFor(path: string): string {
  // Same folder as the target, so the final rename never crosses a file system.
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
}

function writeTemp(path: string, data: string | Uint8Array, mode: number): string {
  const temp = tempPathFor(path);
  let fd: number;
  try {
    fd = openSync(temp, 'wx', mode);
  } catch (error) {
    throw named(path, error);
  }
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    // The umask may have narrowed the mode at open; set it exactly before anyone can see the file.
    chmodSync(temp, mode);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(temp, { force: true });
    throw named(path, error);
  }
  try {
    closeSync(fd);
  } catch (error) {
    // Some file systems report a full disk only when the file is closed.
    rmSync(temp, { force: true });
    throw named(path, error);
  }
  return temp;
}

function syncDir(dir: string): void {
  // Makes the rename itself durable. Some file systems refuse fsync on a folder; the rename is still atomic.
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    /* best effort */
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Writes a whole file or nothing: the data goes to a temporary file in the same folder, is flushed,
 * and is renamed over the target. A crash leaves either the old file or the new one, never half a key.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, mode: number = PRIVATE_FILE_MODE): void {
  const temp = writeTemp(path, data, mode);
  try {
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw named(path, error);
  }
  syncDir(dirname(path));
}

/**
 * Like writeFileAtomic, but only when `path` does not exist yet. Returns false (and writes nothing)
 * when another writer got there first, so two processes creating the same id agree on one value.
 */
export function createFileAtomic(path: string, data: string | Uint8Array, mode: number = PRIVATE_FILE_MODE): boolean {
  const temp = writeTemp(path, data, mode);
  try {
    linkSync(temp, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw named(path, error);
  } finally {
    rmSync(temp, { force: true });
    syncDir(dirname(path));
  }
}
