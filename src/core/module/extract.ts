import { mkdirSync, writeFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { extract } from 'tar-stream';

export class ModuleArchiveError extends Error {
  override name = 'ModuleArchiveError';
}

/** Unpacked, a module is a few MB; a tarball that inflates past this is refused, not written. */
export const MAX_UNPACKED_BYTES = 256 * 1024 * 1024;

export interface ExtractedModule {
  /** The tarball's first folder, as cloud-cli's SaveCloudLuaModule takes it: the module. */
  folder: string;
  /** Paths of the files written, relative to the module folder. */
  files: string[];
}

/** A safe relative path inside the archive, or an error naming the entry. */
function safeName(raw: string): string[] {
  if (raw.includes('\0') || raw.includes('\\')) throw new ModuleArchiveError(`the entry "${raw.replace(/\0/g, '\\0')}" has a character a module path never has`);
  if (raw.startsWith('/')) throw new ModuleArchiveError(`the entry "${raw}" is an absolute path`);
  const parts = posix.normalize(raw).split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..') || raw.split('/').includes('..')) throw new ModuleArchiveError(`the entry "${raw}" points outside the module (path traversal)`);
  return parts;
}

/**
 * Unpacks a module tarball (gzip, or plain tar when the server already decoded it) into `dest`: the
 * first folder of the archive is the module, as with cloud-cli; entries outside it are skipped. Only
 * folders and regular files are accepted: a link, a device or a path that climbs out is refused,
 * because the folder is mounted into the gateway. Files are 0644 and folders 0755, for the gateway's user.
 */
export async function extractModuleTarball(tarball: Buffer, dest: string): Promise<ExtractedModule> {
  let tar: Buffer;
  try {
    tar = tarball[0] === 0x1f && tarball[1] === 0x8b ? gunzipSync(tarball, { maxOutputLength: MAX_UNPACKED_BYTES }) : tarball;
  } catch (err) {
    throw new ModuleArchiveError(`it is not a gzip file that unpacks to at most ${MAX_UNPACKED_BYTES} bytes (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  }
  let folder: string | undefined;
  const files: string[] = [];
  const ex = extract();
  const done = new Promise<void>((resolve, reject) => {
    ex.on('entry', (header, stream, next) => {
      const fail = (err: Error): void => {
        stream.resume();
        reject(err);
        ex.destroy();
      };
      let parts: string[];
      try {
        parts = safeName(header.name);
      } catch (err) {
        fail(err as Error);
        return;
      }
      if (header.type !== 'file' && header.type !== 'directory') {
        fail(new ModuleArchiveError(`the entry "${header.name}" is a ${header.type ?? 'special file'}; a module holds only folders and files`));
        return;
      }
      if (parts.length === 0) {
        stream.resume();
        stream.on('end', next);
        return;
      }
      if (folder === undefined) {
        if (header.type === 'file' && parts.length === 1) {
          fail(new ModuleArchiveError(`its first entry "${header.name}" is a file, not the module's folder`));
          return;
        }
        folder = parts[0]!;
      }
      const inside = parts[0] === folder ? parts.slice(1) : undefined;
      if (inside === undefined) {
        stream.resume();
        stream.on('end', next);
        return;
      }
      const target = join(dest, folder, ...inside);
      if (header.type === 'directory') {
        mkdirSync(target, { recursive: true, mode: 0o755 });
        stream.resume();
        stream.on('end', next);
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => {
        chunks.push(c as Buffer);
      });
      stream.on('error', reject);
      stream.on('end', () => {
        try {
          mkdirSync(join(dest, folder!, ...inside.slice(0, -1)), { recursive: true, mode: 0o755 });
          writeFileSync(target, Buffer.concat(chunks), { mode: 0o644, flag: 'wx' });
          files.push(inside.join('/'));
          next();
        } catch (err) {
          reject(new ModuleArchiveError(`could not write "${header.name}": ${err instanceof Error ? err.message : String(err)}`, { cause: err }));
          ex.destroy();
        }
      });
    });
    ex.on('finish', resolve);
    ex.on('error', (err: Error) => reject(err instanceof ModuleArchiveError ? err : new ModuleArchiveError(`it is not a tar archive (${err.message})`, { cause: err })));
  });
  Readable.from([tar]).pipe(ex);
  await done;
  if (folder === undefined || files.length === 0) throw new ModuleArchiveError('it holds no module folder with files in it');
  return { folder, files: files.sort() };
}
