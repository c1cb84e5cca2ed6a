import { randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';

/** A write to the data folder failed; the message names the file, and a full disk says so in those words. */
export class DataFileWriteError extends Error {
  override name = 'DataFileWriteError';
  readonly code: string | undefined;
  constructor(readonly path: string, cause: unknown) {
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    const why =
      code === 'ENOSPC' ? `no space left on device (${path})`
      : code === 'EDQUOT' ? `disk quota exceeded (${path})`
      : code === 'EROFS' ? `read-only file system (${path})`
      : code === 'EACCES' || code === 'EPERM' ? `permission denied (${path})`
      : `could not write ${path} (${cause instanceof Error ? cause.message : String(cause)})`;
    super(why, { cause });
    this.code = code;
  }
}

/**
 * Writes a file so that a reader sees either the old or the new content, never half of it: a temporary
 * file in the same folder, flushed, then renamed over the target. The mode is set before any byte is
 * written, so a key never exists on disk with a wider mode. A failed write removes its temporary file.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const handle = await open(tmp, 'wx', mode);
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await chmod(tmp, mode);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw new DataFileWriteError(path, err);
  }
}

/** The file's text, or undefined when it does not exist. Other errors (permissions, I/O) propagate, naming it. */
export async function readTextIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`could not read ${path} (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  }
}
