import { posix } from 'node:path';
import type { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { extract, pack, type Header } from 'tar-stream';
import { unavailableOr } from './client.ts';
import { ContainerFileNotFoundError, ContainerNotFoundError, EngineError, dockerMessage, statusCodeOf } from './errors.ts';

export interface ContainerFile {
  /** A plain file name inside the target folder (no slashes). */
  name: string;
  content: Buffer | string;
  /** Unix mode, e.g. 0o600 for a private key. */
  mode?: number;
  uid?: number;
  gid?: number;
}

export interface FolderOwner {
  uid: number;
  gid: number;
  mode?: number;
}

async function archivePathExists(docker: Docker, id: string, path: string): Promise<boolean> {
  try {
    const res = (await docker.getContainer(id).infoArchive({ path })) as Readable;
    res.resume();
    return true;
  } catch (err) {
    if (statusCodeOf(err) === 404) return false;
    throw failure(docker, err, id, path);
  }
}

function packToBuffer(entries: Array<{ header: Partial<Header> & { name: string }; body?: Buffer }>): Promise<Buffer> {
  const tarball = pack();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    tarball.on('data', (c: unknown) => {
      chunks.push(c as Buffer);
    });
    tarball.on('end', () => resolve(Buffer.concat(chunks)));
    tarball.on('error', reject);
    for (const e of entries) tarball.entry(e.header, e.body ?? Buffer.alloc(0));
    tarball.finalize();
  });
}

/**
 * Puts files into a container through Docker's archive API, owned by `uid`/`gid` at `mode`. It works on a
 * created container that has not started, which is how a key reaches the gateway's user without ever being
 * readable on the host by anyone else. Missing folders on the way to `dir` are created, owned by `folderOwner`;
 * folders that already exist are left as they are.
 */
export async function copyFilesIn(
  docker: Docker,
  id: string,
  dir: string,
  files: ContainerFile[],
  opts: { folderOwner?: FolderOwner } = {},
): Promise<void> {
  if (!posix.isAbsolute(dir) || dir.split('/').includes('..')) throw new EngineError(`The container folder ${dir} must be an absolute path without '..'`);
  for (const f of files) {
    if (!f.name || f.name.includes('/') || f.name === '.' || f.name === '..') throw new EngineError(`${f.name} is not a plain file name`);
  }
  if (!(await archivePathExists(docker, id, '/'))) throw new ContainerNotFoundError(id);

  // Find the deepest folder that exists; the tarball creates the rest.
  const parts = posix.normalize(dir).split('/').filter(Boolean);
  let base = parts.length;
  while (base > 0 && !(await archivePathExists(docker, id, `/${parts.slice(0, base).join('/')}`))) base -= 1;
  const missing = parts.slice(base);
  const owner = opts.folderOwner;
  if (missing.length > 0 && !owner) {
    throw new EngineError(`The folder ${dir} does not exist in container ${id}: say who should own it (folderOwner)`);
  }

  const entries: Array<{ header: Partial<Header> & { name: string }; body?: Buffer }> = [];
  const mtime = new Date();
  missing.forEach((_, i) => {
    entries.push({
      header: { name: `${missing.slice(0, i + 1).join('/')}/`, type: 'directory', mode: owner!.mode ?? 0o755, uid: owner!.uid, gid: owner!.gid, mtime },
    });
  });
  for (const f of files) {
    const body = Buffer.isBuffer(f.content) ? f.content : Buffer.from(f.content, 'utf8');
    const name = missing.length > 0 ? `${missing.join('/')}/${f.name}` : f.name;
    entries.push({ header: { name, type: 'file', size: body.length, mode: f.mode ?? 0o644, uid: f.uid ?? 0, gid: f.gid ?? 0, mtime }, body });
  }
  const target = `/${parts.slice(0, base).join('/')}`;
  try {
    await docker.getContainer(id).putArchive(await packToBuffer(entries), { path: target });
  } catch (err) {
    throw failure(docker, err, id, dir);
  }
}

/**
 * Reads one file out of a container (running or stopped) through the archive API. At most `maxBytes`, so a
 * runaway file cannot fill memory.
 */
export async function readContainerFile(docker: Docker, id: string, path: string, opts: { maxBytes?: number } = {}): Promise<Buffer> {
  const maxBytes = opts.maxBytes ?? 1024 * 1024;
  let source: Readable;
  try {
    source = (await docker.getContainer(id).getArchive({ path })) as Readable;
  } catch (err) {
    throw failure(docker, err, id, path);
  }
  const tarball = extract();
  source.on('error', (err) => tarball.destroy(err));
  source.pipe(tarball);
  try {
    for await (const entry of tarball) {
      if (entry.header.type !== 'file') {
        entry.resume();
        throw new EngineError(`${path} in container ${id} is not a regular file (${entry.header.type ?? 'unknown'})`);
      }
      if ((entry.header.size ?? 0) > maxBytes) {
        entry.resume();
        throw new EngineError(`${path} in container ${id} is larger than ${maxBytes} bytes`);
      }
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
    }
    throw new ContainerFileNotFoundError(id, path);
  } finally {
    source.destroy();
    tarball.destroy();
  }
}

function failure(docker: Docker, err: unknown, id: string, path: string): unknown {
  const status = statusCodeOf(err);
  const message = dockerMessage(err);
  if (status === 404) {
    return /no such container/i.test(message) ? new ContainerNotFoundError(id, { cause: err }) : new ContainerFileNotFoundError(id, path, { cause: err });
  }
  if (status !== undefined) return new EngineError(`Docker refused to copy ${path} in container ${id}: ${message}`, { cause: err });
  return unavailableOr(docker, err);
}
