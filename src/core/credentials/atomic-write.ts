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

function tempPathFor(path: string): string {
  // Same folder as the target, so the final rename never crosses a file system.
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
}

function writeTemp(path: string, data: string | Uint8Array, mode: number): string {
  const temp = tempPathFor(path);
  const fd = openSync(temp, 'wx', mode);
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
    throw error;
  }
  closeSync(fd);
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
    throw error;
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
    throw error;
  } finally {
    rmSync(temp, { force: true });
    syncDir(dirname(path));
  }
}
