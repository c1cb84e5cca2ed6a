/**
 * API7's module download and cache against a real HTTP server on 127.0.0.1: progress, no Authorization
 * header, the sha256 cache and its revalidation, the cached copy standing in when the download fails, the
 * clear offline error, and archives that must never be unpacked (traversal, links).
 */
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractModuleTarball, ModuleArchiveError } from '../../src/core/module/extract.ts';
import type { DownloadProgress } from '../../src/core/module/download.ts';
import { modulesDir, ModuleUnavailableError, obtainApi7Module } from '../../src/core/module/module-cache.ts';
import { freePort } from '../helpers/docker.ts';
import { moduleTarball, tarballOf } from '../helpers/module-tarball.ts';

interface Served {
  body: Buffer;
  etag?: boolean;
}

let server: Server;
let base: string;
const routes = new Map<string, Served>();
const seen: Array<{ path: string; headers: IncomingHttpHeaders; status: number }> = [];
let tarball: Buffer;

before(async () => {
  tarball = await moduleTarball();
  server = createServer((req, res) => {
    const path = req.url ?? '/';
    const record = (status: number): void => {
      seen.push({ path, headers: req.headers, status });
    };
    if (path === '/moved') {
      record(302);
      res.writeHead(302, { location: '/m.tar.gz' }).end();
      return;
    }
    const r = routes.get(path);
    if (!r) {
      record(404);
      res.writeHead(404).end('no such file');
      return;
    }
    const etag = `"${createHash('sha256').update(r.body).digest('hex').slice(0, 16)}"`;
    if (r.etag && req.headers['if-none-match'] === etag) {
      record(304);
      res.writeHead(304, { etag }).end();
      return;
    }
    record(200);
    res.writeHead(200, { 'content-type': 'application/gzip', 'content-length': r.body.length, ...(r.etag ? { etag } : {}) });
    // In pieces, so progress has something to show.
    const step = Math.ceil(r.body.length / 4);
    for (let i = 0; i < r.body.length; i += step) res.write(r.body.subarray(i, i + step));
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'gt-modules-'));
  routes.clear();
  seen.length = 0;
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

describe("obtaining API7's module", () => {
  test('downloads with progress and no Authorization header, unpacks the first folder under modules/<sha256>/', async () => {
    routes.set('/m.tar.gz', { body: tarball, etag: true });
    const progress: DownloadProgress[] = [];
    const got = await obtainApi7Module({ home, url: `${base}/m.tar.gz`, onProgress: (p) => progress.push(p) });
    const sha = createHash('sha256').update(tarball).digest('hex');
    assert.equal(got.source, 'downloaded');
    assert.equal(got.sha256, sha);
    assert.equal(got.dir, join(modulesDir(home), sha, 'cloud_lua_module_beta'));
    assert.match(got.message, new RegExp(`Downloaded API7's Cloud Lua Module from ${base}/m\\.tar\\.gz \\(${tarball.length} bytes, sha256 ${sha.slice(0, 12)}\\)`));
    assert.deepEqual(readdirSync(got.dir).sort(), ['apisix', 'cloud.ljbc']);
    assert.equal(readFileSync(join(got.dir, 'apisix/cli/etcd.ljbc'), 'utf8').includes('cli etcd override ran'), true);
    assert.equal(statSync(join(got.dir, 'cloud.ljbc')).mode & 0o777, 0o644);
    assert.equal(statSync(join(got.dir, 'apisix/cli')).mode & 0o777, 0o755);

    assert.equal(seen.length, 1);
    assert.equal(seen[0]!.headers.authorization, undefined, 'the module is fetched without a token, as cloud-cli does');
    assert.ok(progress.length >= 2, 'progress while the body arrives');
    assert.deepEqual(progress.at(-1), { currentBytes: tarball.length, totalBytes: tarball.length, percent: 100 });
    assert.ok(progress.every((p, i) => i === 0 || p.currentBytes >= progress[i - 1]!.currentBytes), 'bytes never go down');
    assert.deepEqual(readdirSync(modulesDir(home)).sort(), [sha, 'index.json'], 'no temporary folder is left');
  });

  test('a second launch revalidates and transfers nothing; a server without ETag re-downloads into the same digest', async () => {
    routes.set('/m.tar.gz', { body: tarball, etag: true });
    const first = await obtainApi7Module({ home, url: `${base}/m.tar.gz` });
    const second = await obtainApi7Module({ home, url: `${base}/m.tar.gz` });
    assert.equal(second.source, 'unchanged');
    assert.equal(second.dir, first.dir);
    assert.match(second.message, /is unchanged; using the cached copy/);
    assert.deepEqual(seen.map((s) => s.status), [200, 304]);
    assert.ok(seen[1]!.headers['if-none-match']);

    routes.set('/plain.tar.gz', { body: tarball });
    const third = await obtainApi7Module({ home, url: `${base}/plain.tar.gz` });
    assert.equal(third.source, 'downloaded');
    assert.equal(third.dir, first.dir, 'cached by content: the same bytes from another URL share one copy');
  });

  test('a redirect is followed, as GitHub raw URLs need', async () => {
    routes.set('/m.tar.gz', { body: tarball });
    const got = await obtainApi7Module({ home, url: `${base}/moved` });
    assert.equal(got.source, 'downloaded');
    assert.deepEqual(seen.map((s) => s.status), [302, 200]);
  });

  test('when the download fails, a cached copy for that URL stands in and says so', async () => {
    routes.set('/m.tar.gz', { body: tarball });
    const first = await obtainApi7Module({ home, url: `${base}/m.tar.gz`, now: () => new Date('2026-03-01T10:00:00Z') });
    routes.clear();
    const again = await obtainApi7Module({ home, url: `${base}/m.tar.gz` });
    assert.equal(again.source, 'cached');
    assert.equal(again.dir, first.dir);
    assert.match(again.message, /Could not download API7's Cloud Lua Module from .*\/m\.tar\.gz \(HTTP 404 Not Found\); using the cached copy from 2026-03-01T10:00:00\.000Z/);
  });

  test('offline with nothing cached: the clear error, naming the URL, the reason and what to set', async () => {
    const url = `http://127.0.0.1:${await freePort()}/cloud_module_beta.tar.gz`;
    await assert.rejects(obtainApi7Module({ home, url }), (e: unknown) => {
      assert.ok(e instanceof ModuleUnavailableError);
      const escaped = url.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      assert.match(e.message, new RegExp(`^cannot download API7's Cloud Lua Module from ${escaped}: ECONNREFUSED[^;]*; check the network or set API7_CLOUD_LUA_MODULE_URL / the profile's module URL\\.$`));
      return true;
    });
    routes.set('/m.tar.gz', { body: Buffer.from('not a tarball') });
    await assert.rejects(obtainApi7Module({ home, url: `${base}/m.tar.gz` }), /The file at .*\/m\.tar\.gz is not a Cloud Lua Module tarball: it is not a tar archive/);
  });

  test('a tarball without cloud-cli\'s two CLI files is not a Cloud Lua Module', async () => {
    routes.set('/m.tar.gz', { body: await tarballOf([{ header: { name: 'mod/', type: 'directory' } }, { header: { name: 'mod/cloud.ljbc', type: 'file' }, body: 'return {}' }]) });
    await assert.rejects(obtainApi7Module({ home, url: `${base}/m.tar.gz` }), /its folder "mod" has no apisix\/cli\/etcd\.ljbc and apisix\/cli\/local_storage\.ljbc, which cloud-cli mounts/);
    assert.deepEqual(readdirSync(modulesDir(home)), [], 'nothing is kept of a refused archive');
  });
});

describe('unpacking a module tarball', () => {
  const refuse = async (entries: Parameters<typeof tarballOf>[0], pattern: RegExp): Promise<void> => {
    const dest = mkdtempSync(join(tmpdir(), 'gt-unpack-'));
    try {
      await assert.rejects(extractModuleTarball(await tarballOf(entries), dest), (e: unknown) => e instanceof ModuleArchiveError && pattern.test(e.message));
      assert.equal(existsSync(join(dest, '..', 'evil')), false);
    } finally {
      rmSync(dest, { recursive: true, force: true });
    }
  };

  test('path traversal, absolute paths, links and devices are refused', async () => {
    const dir = { header: { name: 'mod/', type: 'directory' as const } };
    await refuse([dir, { header: { name: 'mod/../../evil', type: 'file' }, body: 'x' }], /"mod\/\.\.\/\.\.\/evil" points outside the module \(path traversal\)/);
    await refuse([dir, { header: { name: '/etc/evil', type: 'file' }, body: 'x' }], /"\/etc\/evil" is an absolute path/);
    await refuse([dir, { header: { name: 'mod/cloud.ljbc', type: 'symlink', linkname: '/etc/passwd' } }], /"mod\/cloud\.ljbc" is a symlink; a module holds only folders and files/);
    await refuse([dir, { header: { name: 'mod/hard', type: 'link', linkname: 'mod/x' } }], /is a link/);
    await refuse([dir, { header: { name: 'mod/dev', type: 'character-device' } }], /is a character-device/);
    await refuse([{ header: { name: 'cloud.ljbc', type: 'file' }, body: 'x' }], /first entry "cloud\.ljbc" is a file, not the module's folder/);
    await refuse([], /holds no module folder/);
  });

  test("the first folder is the module; './' prefixes are fine, entries outside it are skipped", async () => {
    const dest = mkdtempSync(join(tmpdir(), 'gt-unpack-'));
    try {
      const got = await extractModuleTarball(
        await tarballOf([
          { header: { name: './', type: 'directory' } },
          { header: { name: './mod/', type: 'directory' } },
          { header: { name: './mod/cloud.ljbc', type: 'file' }, body: 'return {}' },
          { header: { name: './mod/apisix/cli/etcd.ljbc', type: 'file' }, body: 'return {}' },
          { header: { name: './other/readme', type: 'file' }, body: 'x' },
        ]),
        dest,
      );
      assert.deepEqual(got, { folder: 'mod', files: ['apisix/cli/etcd.ljbc', 'cloud.ljbc'] });
      assert.deepEqual(readdirSync(dest), ['mod']);
    } finally {
      rmSync(dest, { recursive: true, force: true });
    }
  });
});
