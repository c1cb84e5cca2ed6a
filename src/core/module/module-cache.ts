import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ensureDir, writeFileAtomic } from '../credentials/atomic-write.ts';
import { API7_CLI_OVERRIDES, API7_MODULE_URL_ENV } from './choose-module.ts';
import { downloadModule, ModuleDownloadError, type DownloadProgress } from './download.ts';
import { extractModuleTarball, ModuleArchiveError } from './extract.ts';

/**
 * API7's Cloud Lua Module, downloaded once per content: each tarball is unpacked under
 * `$GATEWAY_TRAY_HOME/modules/<sha256>/<its first folder>/`, and `modules/index.json` remembers which
 * URL gave which digest (with its ETag / Last-Modified), so the next launch only revalidates and a
 * launch without network can still use the copy it has, saying so.
 */

const indexEntrySchema = z.object({
  sha256: z.string().regex(/^[a-f0-9]{64}$/),
  folder: z.string().min(1),
  etag: z.string().optional(),
  lastModified: z.string().optional(),
  fetchedAt: z.string(),
});
const indexSchema = z.object({ version: z.literal(1), urls: z.record(z.string(), indexEntrySchema) });
type ModuleIndex = z.infer<typeof indexSchema>;
type IndexEntry = z.infer<typeof indexEntrySchema>;

export class ModuleUnavailableError extends Error {
  override name = 'ModuleUnavailableError';
}

export interface ObtainedModule {
  /** The module folder on the host: what is mounted at /cloud_lua_module. */
  dir: string;
  sha256: string;
  /** downloaded: new bytes came; unchanged: the server confirmed the cached copy; cached: the download failed and the cache stood in. */
  source: 'downloaded' | 'unchanged' | 'cached';
  /** A sentence for the user: where the module came from, and what went wrong if the cache stood in. */
  message: string;
}

export interface ObtainOptions {
  home: string;
  url: string;
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
  now?: () => Date;
}

export function modulesDir(home: string): string {
  return join(home, 'modules');
}

function readIndex(home: string): ModuleIndex {
  const path = join(modulesDir(home), 'index.json');
  if (!existsSync(path)) return { version: 1, urls: {} };
  try {
    return indexSchema.parse(JSON.parse(readFileSync(path, 'utf8')));
  } catch {
    // Only a cache: an unreadable index means downloading again, never failing a launch.
    return { version: 1, urls: {} };
  }
}

function writeIndex(home: string, index: ModuleIndex): void {
  writeFileAtomic(join(modulesDir(home), 'index.json'), `${JSON.stringify(index, null, 2)}\n`, 0o644);
}

function moduleFolder(home: string, sha256: string, folder: string): string {
  return join(modulesDir(home), sha256, folder);
}

/** A cached module counts only when it is complete: cloud-cli's two CLI overrides are what gets mounted. */
function isComplete(dir: string): boolean {
  return API7_CLI_OVERRIDES.every((o) => existsSync(join(dir, o.source)));
}

function usable(home: string, entry: IndexEntry | undefined): string | undefined {
  if (!entry) return undefined;
  const dir = moduleFolder(home, entry.sha256, entry.folder);
  return isComplete(dir) ? dir : undefined;
}

/** Unpacks into a temporary folder beside the cache and renames it into place, so a crash leaves no half module. */
async function unpack(home: string, body: Buffer, sha256: string, url: string): Promise<string> {
  const root = modulesDir(home);
  const final = join(root, sha256);
  const temp = join(root, `.unpack-${process.pid}-${randomBytes(6).toString('hex')}`);
  ensureDir(temp, 0o755);
  try {
    const { folder } = await extractModuleTarball(body, temp);
    const missing = API7_CLI_OVERRIDES.filter((o) => !existsSync(join(temp, folder, o.source))).map((o) => o.source);
    if (missing.length > 0) throw new ModuleArchiveError(`its folder "${folder}" has no ${missing.join(' and ')}, which cloud-cli mounts over APISIX's own CLI files; is it API7's Cloud Lua Module?`);
    if (existsSync(final)) rmSync(final, { recursive: true, force: true });
    try {
      renameSync(temp, final);
    } catch (err) {
      // Another launch unpacked the same digest meanwhile; its copy is the same bytes.
      if (!isComplete(join(final, folder))) throw err;
    }
    return folder;
  } catch (err) {
    if (err instanceof ModuleArchiveError) throw new ModuleArchiveError(`The file at ${url} is not a Cloud Lua Module tarball: ${err.message}.`, { cause: err });
    throw err;
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

function short(sha256: string): string {
  return sha256.slice(0, 12);
}

/**
 * The module from `url`: revalidated against the cache (no transfer when the server says it is
 * unchanged), downloaded with progress otherwise, and the cached copy used when the download fails.
 * Offline with no cached copy: ModuleUnavailableError with what to do.
 */
export async function obtainApi7Module(opts: ObtainOptions): Promise<ObtainedModule> {
  const { home, url } = opts;
  ensureDir(modulesDir(home), 0o755);
  const index = readIndex(home);
  const entry = index.urls[url];
  const cachedDir = usable(home, entry);
  try {
    const result = await downloadModule(url, {
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}),
      ...(opts.fetchImpl ? { fetchImpl: opts.fetchImpl } : {}),
      ...(cachedDir && entry?.etag ? { etag: entry.etag } : {}),
      ...(cachedDir && entry?.lastModified ? { lastModified: entry.lastModified } : {}),
    });
    if (result.status === 'not-modified') {
      return { dir: cachedDir!, sha256: entry!.sha256, source: 'unchanged', message: `API7's Cloud Lua Module from ${url} is unchanged; using the cached copy (sha256 ${short(entry!.sha256)}).` };
    }
    const sha256 = createHash('sha256').update(result.body).digest('hex');
    const known = Object.values(index.urls).find((e) => e.sha256 === sha256);
    const folder = known && usable(home, known) ? known.folder : await unpack(home, result.body, sha256, url);
    const fresh = readIndex(home);
    fresh.urls[url] = {
      sha256,
      folder,
      ...(result.etag ? { etag: result.etag } : {}),
      ...(result.lastModified ? { lastModified: result.lastModified } : {}),
      fetchedAt: (opts.now?.() ?? new Date()).toISOString(),
    };
    writeIndex(home, fresh);
    return { dir: moduleFolder(home, sha256, folder), sha256, source: 'downloaded', message: `Downloaded API7's Cloud Lua Module from ${url} (${result.body.length} bytes, sha256 ${short(sha256)}).` };
  } catch (err) {
    if (!(err instanceof ModuleDownloadError || err instanceof ModuleArchiveError)) throw err;
    const reason = err instanceof ModuleDownloadError ? err.reason : err.message;
    if (cachedDir && entry) {
      return {
        dir: cachedDir,
        sha256: entry.sha256,
        source: 'cached',
        message: `Could not download API7's Cloud Lua Module from ${url} (${reason}); using the cached copy from ${entry.fetchedAt} (sha256 ${short(entry.sha256)}).`,
      };
    }
    if (err instanceof ModuleArchiveError) throw new ModuleUnavailableError(err.message, { cause: err });
    throw new ModuleUnavailableError(
      `cannot download API7's Cloud Lua Module from ${url}: ${reason}; check the network or set ${API7_MODULE_URL_ENV} / the profile's module URL.`,
      { cause: err },
    );
  }
}
