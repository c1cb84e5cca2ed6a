import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack, type Header } from 'tar-stream';

/** The tarball's first (and only top-level) folder: cloud-cli takes it as the module folder. */
export const MODULE_FOLDER = 'cloud_lua_module';

/** Fixed metadata, so the same agent always gives the same bytes and the same ETag. */
const MTIME = new Date(Date.UTC(2020, 0, 1));

export interface ModuleTarball {
  /** gzip'd tar. */
  bytes: Buffer;
  /** Hex SHA-256 of `bytes`. */
  sha256: string;
  /** Paths inside the tarball, in order. */
  entries: string[];
}

/**
 * Only the agent's Lua code and its README go in: no editor files, tests or anything else in the folder.
 * The `.ljbc` files are the two that cloud-cli mounts over APISIX's own CLI files (apisix/cli/), without
 * which its `docker run` refuses to start.
 */
function wanted(relPath: string): boolean {
  return relPath === 'README.md' || relPath.endsWith('.lua') || relPath.endsWith('.ljbc');
}

type Entry = { header: Partial<Header> & { name: string }; body?: Buffer };

async function collect(root: string, rel: string, out: Entry[]): Promise<boolean> {
  const dirents = (await readdir(join(root, rel), { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const dirEntry: Entry = { header: { name: `${MODULE_FOLDER}/${rel}`, type: 'directory', mode: 0o755, mtime: MTIME, uid: 0, gid: 0 } };
  const mine: Entry[] = [];
  // Files first, then folders: cloud-cli writes a file into its folder, so a folder's entry must come
  // before anything inside it.
  for (const d of dirents) {
    const relPath = `${rel}${d.name}`;
    if (d.isFile() && wanted(relPath)) {
      const body = await readFile(join(root, relPath));
      mine.push({ header: { name: `${MODULE_FOLDER}/${relPath}`, type: 'file', size: body.length, mode: 0o644, mtime: MTIME, uid: 0, gid: 0 }, body });
    }
  }
  for (const d of dirents) {
    if (d.isDirectory()) {
      const sub: Entry[] = [];
      if (await collect(root, `${rel}${d.name}/`, sub)) mine.push(...sub);
    }
  }
  if (mine.length === 0 && rel !== '') return false;
  out.push(dirEntry, ...mine);
  return true;
}

function packToBuffer(entries: Entry[]): Promise<Buffer> {
  const tarball = pack();
  const chunks: Buffer[] = [];
  return new Promise((resolvePacked, reject) => {
    tarball.on('data', (c: unknown) => {
      chunks.push(c as Buffer);
    });
    tarball.on('end', () => resolvePacked(Buffer.concat(chunks)));
    tarball.on('error', reject);
    for (const e of entries) tarball.entry(e.header, e.body ?? Buffer.alloc(0));
    tarball.finalize();
  });
}

/**
 * The open agent as a Cloud Lua Module tarball, the way cloud-cli's `deploy` downloads one: a gzip'd tar
 * whose first entry is the module folder. Built in memory from the agent folder, never copied by hand.
 */
export async function buildAgentTarball(agentDir: string): Promise<ModuleTarball> {
  if (!existsSync(join(agentDir, 'gateway_tray_agent', 'hook.lua'))) {
    throw new Error(`${agentDir} has no gateway_tray_agent/hook.lua, so it is not the agent folder; point GATEWAY_TRAY_AGENT_DIR at assets/agent`);
  }
  const entries: Entry[] = [];
  await collect(agentDir, '', entries);
  // The gzip header carries no name and mtime 0: the bytes depend only on the files.
  const bytes = gzipSync(await packToBuffer(entries), { level: 9 });
  return { bytes, sha256: createHash('sha256').update(bytes).digest('hex'), entries: entries.map((e) => e.header.name) };
}
