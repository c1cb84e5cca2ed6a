import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack, type Header } from 'tar-stream';

export const TEST_MODULE_DIR = join(import.meta.dirname, '../fixtures/api7-test-module/cloud_lua_module_beta');

export interface TarEntry {
  header: Partial<Header> & { name: string };
  body?: Buffer | string;
}

/** A gzip'd tarball of raw entries, for archives no real folder can make (links, traversal). */
export function tarballOf(entries: TarEntry[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  return new Promise((resolve, reject) => {
    p.on('data', (c: unknown) => {
      chunks.push(c as Buffer);
    });
    p.on('end', () => resolve(gzipSync(Buffer.concat(chunks))));
    p.on('error', reject);
    for (const e of entries) p.entry(e.header, e.body ?? '');
    p.finalize();
  });
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? [join(dir, e.name), ...walk(join(dir, e.name))] : [join(dir, e.name)]));
}

/** Packs `dir` as a module tarball: the folder itself is the first entry, as in API7's cloud_module_beta.tar.gz. */
export function moduleTarball(dir: string = TEST_MODULE_DIR): Promise<Buffer> {
  const root = basename(dir);
  const mtime = new Date('2026-01-01T00:00:00Z');
  const entries: TarEntry[] = [{ header: { name: `${root}/`, type: 'directory', mode: 0o755, mtime } }];
  for (const path of walk(dir)) {
    const name = `${root}/${relative(dir, path)}`;
    if (statSync(path).isDirectory()) entries.push({ header: { name: `${name}/`, type: 'directory', mode: 0o755, mtime } });
    else entries.push({ header: { name, type: 'file', mode: 0o644, mtime }, body: readFileSync(path) });
  }
  return tarballOf(entries);
}
