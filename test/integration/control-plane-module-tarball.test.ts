import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp as copyDir, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { extract, type Header } from 'tar-stream';
import { PACKAGED_AGENT_DIR } from '../../src/core/gateway/agent-dir.ts';
import { startHarness, type Harness } from '../helpers/control-plane.ts';

const PATH = '/api/v1/cloud_lua_module.tar.gz';

let h: Harness;
let scratch: string;
before(async () => {
  h = await startHarness();
  scratch = await mkdtemp(join(tmpdir(), 'gt-module-'));
});
after(async () => {
  await h?.cleanup();
  await rm(scratch, { recursive: true, force: true });
});

async function entriesOf(gz: Buffer): Promise<Array<{ header: Header; body: Buffer }>> {
  const out: Array<{ header: Header; body: Buffer }> = [];
  const ex = extract();
  Readable.from([gunzipSync(gz)]).pipe(ex);
  for await (const entry of ex) {
    const chunks: Buffer[] = [];
    for await (const c of entry) chunks.push(c as Buffer);
    out.push({ header: entry.header, body: Buffer.concat(chunks) });
  }
  return out;
}

/** The agent's files that belong in the module: its Lua code and its README, relative to the agent folder. */
async function agentFiles(dir: string): Promise<string[]> {
  const all = await readdir(dir, { recursive: true, withFileTypes: true });
  return all
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)))
    .filter((p) => p === 'README.md' || p.endsWith('.lua') || p.endsWith('.ljbc'))
    .sort();
}

async function download(headers: Record<string, string> = {}) {
  const res = await fetch(`${h.cp.apiUrl}${PATH}`, { headers });
  return { res, bytes: Buffer.from(await res.arrayBuffer()) };
}

test('the open agent is served as a gzip tarball without a token, whose first entry is the module folder', async () => {
  const { res, bytes } = await download();
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'application/gzip');
  assert.equal(res.headers.get('etag'), `"${createHash('sha256').update(bytes).digest('hex')}"`);
  const entries = await entriesOf(bytes);
  assert.equal(entries[0]?.header.type, 'directory');
  assert.equal(entries[0]?.header.name, 'cloud_lua_module/');
  // cloud-cli writes each file into a folder it created from an earlier entry.
  const seenDirs = new Set<string>();
  for (const { header } of entries) {
    assert.ok(header.name.startsWith('cloud_lua_module/'), header.name);
    const parent = header.name.replace(/[^/]+\/?$/, '');
    if (header.name !== 'cloud_lua_module/') assert.ok(seenDirs.has(parent), `${header.name} comes after its folder`);
    if (header.type === 'directory') seenDirs.add(header.name);
    else assert.equal(header.type, 'file', header.name);
  }
  const files = entries.filter((e) => e.header.type === 'file');
  assert.deepEqual(files.map((e) => e.header.name.slice('cloud_lua_module/'.length)).sort(), await agentFiles(PACKAGED_AGENT_DIR));
  for (const f of files) {
    assert.deepEqual(f.body, await readFile(join(PACKAGED_AGENT_DIR, f.header.name.slice('cloud_lua_module/'.length))), f.header.name);
  }
  assert.ok(files.some((f) => f.header.name === 'cloud_lua_module/gateway_tray_agent/hook.lua'));
  // The two files cloud-cli bind-mounts over APISIX's own CLI files: without them its docker run fails.
  for (const name of ['apisix/cli/etcd.ljbc', 'apisix/cli/local_storage.ljbc']) {
    assert.ok(files.some((f) => f.header.name === `cloud_lua_module/${name}`), name);
  }
});

test("GNU tar unpacks it into a folder that is the agent, where the template's hook and lua path find it", async () => {
  const { bytes } = await download();
  const into = join(scratch, 'tar');
  await mkdir(into);
  execFileSync('tar', ['-xzf', '-', '-C', into], { input: bytes });
  assert.deepEqual(await readdir(into), ['cloud_lua_module']);
  assert.deepEqual(await agentFiles(join(into, 'cloud_lua_module')), await agentFiles(PACKAGED_AGENT_DIR));
  const template = await h.client.startupTemplate(h.cp.clusterId);
  assert.match(template, /lua_module_hook: gateway_tray_agent\.hook/);
  assert.match(template, /extra_lua_path: "?\{\{\.CloudModuleDir\}\}\/\?\.lua/);
});

test('the same agent gives the same bytes after a restart; ETag revalidation, HEAD, a token and other methods', async () => {
  const first = await download();
  const etag = first.res.headers.get('etag') ?? '';
  await h.restart();
  const second = await download({ authorization: `Bearer ${h.token}` });
  assert.equal(second.res.headers.get('etag'), etag);
  assert.deepEqual(second.bytes, first.bytes);
  const revalidated = await fetch(`${h.cp.apiUrl}${PATH}`, { headers: { 'if-none-match': etag } });
  assert.equal(revalidated.status, 304);
  assert.equal((await revalidated.arrayBuffer()).byteLength, 0);
  const stale = await fetch(`${h.cp.apiUrl}${PATH}`, { headers: { 'if-none-match': '"other"' } });
  assert.equal(stale.status, 200);
  await stale.arrayBuffer();
  const head = await fetch(`${h.cp.apiUrl}${PATH}`, { method: 'HEAD' });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get('content-length'), String(first.bytes.length));
  const post = await fetch(`${h.cp.apiUrl}${PATH}`, { method: 'POST', body: 'x' });
  assert.equal(post.status, 405);
  assert.match(((await post.json()) as { error: string }).error, /GET/);
  // Only this path is open: the rest of the API still wants the token.
  assert.equal((await fetch(`${h.cp.apiUrl}/api/v1/cloud_lua_module.tar`)).status, 401);
});

test("only Lua files, cloud-cli's .ljbc overrides and the README go in, from the agent folder given", async () => {
  const dir = join(scratch, 'agent-copy');
  await copyDir(PACKAGED_AGENT_DIR, dir, { recursive: true });
  await writeFile(join(dir, 'notes.txt'), 'not for gateways');
  await writeFile(join(dir, 'gateway_tray_agent', 'hook.lua~'), 'an editor backup');
  await mkdir(join(dir, 'spec'));
  await writeFile(join(dir, 'spec', 'x_spec.txt'), 'no lua here');
  await writeFile(join(dir, 'gateway_tray_agent', 'extra.lua'), 'return {}\n');
  const other = await startHarness({ agentDir: dir });
  try {
    const res = await fetch(`${other.cp.apiUrl}${PATH}`);
    const names = (await entriesOf(Buffer.from(await res.arrayBuffer()))).map((e) => e.header.name);
    assert.ok(names.includes('cloud_lua_module/gateway_tray_agent/extra.lua'));
    for (const name of names) assert.match(name, /(\/|\.lua|\.ljbc|\/README\.md)$/, name);
    assert.equal(names.some((n) => n.includes('spec')), false, 'a folder with nothing wanted is left out');
  } finally {
    await other.cleanup();
  }
});

test('without the agent folder the control plane still starts, and the path says why there is no module', async () => {
  const other = await startHarness({ agentDir: join(scratch, 'nowhere') });
  try {
    const res = await fetch(`${other.cp.apiUrl}${PATH}`);
    assert.equal(res.status, 404);
    assert.match(((await res.json()) as { error: string }).error, /not available: .*nowhere has no gateway_tray_agent\/hook\.lua/);
    assert.ok(other.logs.some((l) => /warning: the module tarball is not served/.test(l)));
  } finally {
    await other.cleanup();
  }
});
