import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TokenStore } from '../../src/control-plane/auth/token-store.ts';
import { dataFiles } from '../../src/control-plane/storage/data-files.ts';

const YEAR = 365 * 86_400_000;

test('the admin token is written once at 0600, stored only as a hash, and kept across opens', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gt-tok-'));
  try {
    const files = dataFiles(dir);
    const store = await TokenStore.open(files);
    await store.ensureAdminToken('7', Date.now(), YEAR);
    const token = (await readFile(files.adminToken, 'utf8')).trim();
    assert.equal((await stat(files.adminToken)).mode & 0o777, 0o600);
    assert.equal((await stat(files.jwtSecret)).mode & 0o777, 0o600);
    assert.equal(token.split('.').length, 3);
    const stored = await readFile(files.tokens, 'utf8');
    assert.ok(!stored.includes(token) && !stored.includes(token.split('.')[2] ?? '-'), 'the token itself is not stored');
    assert.equal(store.verify(token, Date.now())?.sub, '7');

    const reopened = await TokenStore.open(files);
    await reopened.ensureAdminToken('7', Date.now(), YEAR);
    assert.equal((await readFile(files.adminToken, 'utf8')).trim(), token, 'a valid token is reused');
    assert.equal(reopened.verify(token, Date.now())?.sub, '7');

    const jti = reopened.verify(token, Date.now())?.jti ?? '';
    await reopened.revoke(jti);
    assert.equal(reopened.verify(token, Date.now()), undefined);
    assert.equal((await TokenStore.open(files)).verify(token, Date.now()), undefined, 'revocation persists');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a lost token file gets a new token, and the lost token and edited tokens are refused', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gt-tok-'));
  try {
    const files = dataFiles(dir);
    const store = await TokenStore.open(files);
    await store.ensureAdminToken('7', Date.now(), YEAR);
    const first = (await readFile(files.adminToken, 'utf8')).trim();
    // An overwritten token file: a new token is minted, and the lost one stops working.
    await writeFile(files.adminToken, 'garbage');
    await store.ensureAdminToken('7', Date.now(), YEAR);
    const second = (await readFile(files.adminToken, 'utf8')).trim();
    assert.notEqual(second, first);
    assert.equal(store.verify(first, Date.now()), undefined);
    assert.equal(store.verify(second, Date.now())?.sub, '7');
    assert.equal(store.verify(`${second}x`, Date.now()), undefined);
    assert.equal(store.verify('', Date.now()), undefined);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a token close to expiry is replaced at start and the old one revoked', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'gt-tok-'));
  try {
    const files = dataFiles(dir);
    const store = await TokenStore.open(files);
    const start = Date.now();
    await store.ensureAdminToken('7', start, 40 * 86_400_000);
    const old = (await readFile(files.adminToken, 'utf8')).trim();
    const later = start + 25 * 86_400_000;
    await store.ensureAdminToken('7', later, 40 * 86_400_000);
    const fresh = (await readFile(files.adminToken, 'utf8')).trim();
    assert.notEqual(fresh, old);
    assert.equal(store.verify(old, later), undefined);
    assert.equal(store.verify(fresh, later)?.sub, '7');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
