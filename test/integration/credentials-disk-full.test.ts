/**
 * A full disk, for real: a 1 MB tmpfs as GATEWAY_TRAY_HOME, filled up. A profile or a token that can't
 * be written fails with "no space left on device (<file>)", leaves no temp file behind, and loses
 * nothing that was saved before. Needs root for mount (the CI machine runs as root).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { FileSecretStore } from '../../src/core/credentials/file-secret-store.ts';
import { ProfileStore } from '../../src/core/credentials/profile-store.ts';
import { profileTokenKey } from '../../src/core/credentials/secret-store.ts';

let root: string;
let home: string;
let mounted = false;

before(() => {
  root = mkdtempSync(join(tmpdir(), 'gt-full-'));
  home = join(root, 'home');
  execFileSync('mkdir', ['-p', home]);
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', home]);
  mounted = true;
});
after(() => {
  if (mounted) execFileSync('umount', [home]);
  rmSync(root, { recursive: true, force: true });
});

function fill(): void {
  // One big file takes whatever is left; the last, partial chunk fails with ENOSPC.
  try {
    writeFileSync(join(home, 'filler'), Buffer.alloc(2 * 1024 * 1024));
  } catch (err) {
    assert.equal((err as NodeJS.ErrnoException).code, 'ENOSPC');
  }
}

const strays = () => readdirSync(home).filter((f) => f.includes('.tmp'));

test('a profile that cannot be saved names the file, leaves no temp file, and keeps the profiles saved before', () => {
  const store = new ProfileStore({ home });
  store.add({ name: 'work', kind: 'cloud', apiUrl: 'https://api.example.com' });
  const before = readFileSync(join(home, 'settings.json'), 'utf8');
  fill();
  assert.throws(
    () => store.add({ name: 'more', kind: 'cloud', apiUrl: 'https://api.example.com', image: `apache/apisix:${'x'.repeat(100)}` }),
    (err: Error) => err.message === `no space left on device (${join(home, 'settings.json')})`,
  );
  assert.deepEqual(strays(), []);
  assert.equal(readFileSync(join(home, 'settings.json'), 'utf8'), before);
  assert.deepEqual(new ProfileStore({ home }).list().map((p) => p.name), ['local', 'work']);
  rmSync(join(home, 'filler'));
});

test('a token that cannot be saved says the same, and the tokens saved before still read back', async () => {
  const secrets = new FileSecretStore({ home });
  await secrets.set(profileTokenKey('work'), 'first-token');
  fill();
  await assert.rejects(secrets.set(profileTokenKey('more'), 'x'.repeat(4096)), { message: `no space left on device (${join(home, 'secrets.enc.json')})` });
  assert.deepEqual(strays(), []);
  rmSync(join(home, 'filler'));
  assert.equal(await new FileSecretStore({ home }).get(profileTokenKey('work')), 'first-token');
});
