import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startControlPlane } from '../../src/control-plane/index.ts';
import { writeFileAtomic } from '../../src/control-plane/storage/atomic-file.ts';
import { CloudClient } from '../../src/core/cloud/client.ts';
import { startHarness, type Harness } from '../helpers/control-plane.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.cleanup();
});

const GARBAGE = 'this is not PEM at all\n';

test('a garbage server.crt is reissued at start, saying so', async () => {
  await h.cp.stop();
  await writeFile(join(h.dataDir, 'server.crt'), GARBAGE);
  h.logs.length = 0;
  await h.restart();
  assert.ok(h.logs.some((l) => /server\.crt .* is damaged .*issuing a new server certificate/.test(l)), h.logs.join('\n'));
  assert.match(await readFile(join(h.dataDir, 'server.crt'), 'utf8'), /^-----BEGIN CERTIFICATE-----/);
  await h.client.me();
});

test('a garbage server.key is reissued too', async () => {
  await h.cp.stop();
  await writeFile(join(h.dataDir, 'server.key'), GARBAGE);
  h.logs.length = 0;
  await h.restart();
  assert.ok(h.logs.some((l) => /is damaged .*issuing a new server certificate/.test(l)));
});

for (const [file, what] of [['ca.crt', 'a PEM certificate'], ['ca.key', 'a PEM RSA private key']] as const) {
  test(`a garbage ${file} stops the start with an error that names it and both ways out; nothing is overwritten`, async () => {
    await h.cp.stop();
    const path = join(h.dataDir, file);
    const original = await readFile(path, 'utf8');
    await writeFile(path, GARBAGE);
    try {
      await assert.rejects(startControlPlane({ dataDir: h.dataDir, etcdUrl: h.etcd.url }), (err: Error) => {
        assert.match(err.message, new RegExp(`^${file.replace('.', '\\.')} in ${h.dataDir.replace(/[/.]/g, '\\$&')} is not ${what}: .+; restore it from a backup or move the folder aside to start a new CA \\(every gateway then needs a new certificate\\)$`));
        return true;
      });
      assert.equal(await readFile(path, 'utf8'), GARBAGE, 'the damaged file is left for the user');
    } finally {
      await writeFile(path, original);
      await h.restart();
    }
  });
}

test('an empty ca.crt beside its key is refused, not replaced by a new CA', async () => {
  await h.cp.stop();
  const path = join(h.dataDir, 'ca.crt');
  const original = await readFile(path, 'utf8');
  await writeFile(path, '');
  try {
    await assert.rejects(startControlPlane({ dataDir: h.dataDir, etcdUrl: h.etcd.url }), /ca\.crt in .* is not a PEM certificate/);
  } finally {
    await writeFile(path, original);
    await h.restart();
  }
});

test('a garbage jwt-secret is replaced (never used as the key): the admin token is reissued, the old one refused', async () => {
  const oldToken = h.token;
  await h.cp.stop();
  await writeFile(join(h.dataDir, 'jwt-secret'), 'garbage!');
  h.logs.length = 0;
  await h.restart();
  assert.ok(h.logs.some((l) => /jwt-secret is damaged .*admin token is reissued in .*admin-token; gateways are not affected/.test(l)), h.logs.join('\n'));
  const secret = Buffer.from((await readFile(join(h.dataDir, 'jwt-secret'), 'utf8')).trim(), 'base64');
  assert.equal(secret.length, 32);
  assert.notEqual(h.token, oldToken);
  await h.client.me();
  await assert.rejects(new CloudClient({ baseUrl: h.cp.apiUrl, token: oldToken }).me());
});

test('on a full disk: "no space left on device (<file>)", and no *.tmp left behind', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gt-cp-full-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', dir]);
  try {
    const target = join(dir, 'big.json');
    await assert.rejects(writeFileAtomic(target, Buffer.alloc(2 * 1024 * 1024, 1)), (err: Error) => {
      assert.equal(err.message, `no space left on device (${target})`);
      return true;
    });
    assert.deepEqual(await readdir(dir), [], 'the temporary file went with the failed write');

    // The control plane's own start on a full data folder.
    await writeFile(join(dir, 'filler'), Buffer.alloc(1024 * 1024 - 4096, 1)).catch(() => undefined);
    const dataDir = join(dir, 'cp');
    await assert.rejects(startControlPlane({ dataDir, etcdUrl: h.etcd.url }), (err: Error) => {
      assert.match(err.message, new RegExp(`no space left on device \\(${dataDir.replace(/[/.]/g, '\\$&')}/[a-z.-]+\\)`));
      assert.doesNotMatch(err.message, /ENOSPC/);
      return true;
    });
    const left = (await readdir(dir, { recursive: true })).filter((f) => String(f).endsWith('.tmp'));
    assert.deepEqual(left, []);
  } finally {
    execFileSync('umount', [dir]);
    await rm(dir, { recursive: true, force: true });
  }
});
