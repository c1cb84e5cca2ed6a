/**
 * One secret store per home: the first open (app or CLI) chooses it and records it, every later open
 * uses what is recorded, and tokens an older version kept elsewhere are moved into it once.
 */
import assert from 'node:assert/strict';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { openHomeSecretStore, SECRET_STORE_RECORD } from '../../src/core/credentials/home-secret-store.ts';
import { ProfileStore } from '../../src/core/credentials/profile-store.ts';
import { SafeStorageSecretStore, type SafeStorageLike } from '../../src/core/credentials/safe-storage-secret-store.ts';
import { profileTokenKey } from '../../src/core/credentials/secret-store.ts';
import { openSession } from '../../src/core/gateway/session.ts';

/** Electron can't start here: a stand-in for safeStorage that really encrypts, under one "login" key. */
function FakeSafeStorage(): SafeStorageLike {
  const key = randomBytes(32);
  return {
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => 'gnome_libsecret',
    encryptString(plain) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), data]);
    },
    decryptString(encrypted) {
      const d = createDecipheriv('aes-256-gcm', key, encrypted.subarray(0, 12));
      d.setAuthTag(encrypted.subarray(12, 28));
      return Buffer.concat([d.update(encrypted.subarray(28)), d.final()]).toString('utf8');
    },
  };
}

// No session bus: the keyring does not answer, as on a headless machine.
const noBus = { PATH: process.env.PATH, HOME: '/nonexistent' };
let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'gt-home-store-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

describe('openHomeSecretStore', () => {
  test('the first open records its choice; the app, with a secure safeStorage, then uses the same store as the CLI', async () => {
    const cli = await openHomeSecretStore({ home, env: noBus, platform: 'linux' });
    assert.equal(cli.record.backend, 'encrypted-file');
    assert.match(cli.record.why ?? '', /No OS keyring was usable/);
    const record = JSON.parse(readFileSync(join(home, SECRET_STORE_RECORD), 'utf8')) as { backend: string };
    assert.equal(record.backend, 'encrypted-file');

    const app = await openHomeSecretStore({ home, env: noBus, platform: 'linux', safeStorage: FakeSafeStorage() });
    assert.equal(app.store.backend().name, 'encrypted-file', 'not a store the CLI cannot read');
    await app.store.set(profileTokenKey('team'), 'from-the-app');
    assert.equal(await cli.store.get(profileTokenKey('team')), 'from-the-app');
  });

  test("the app moves an older app's safeStorage tokens into the home's store, once, and the CLI sees them", async () => {
    new ProfileStore({ home }).add({ name: 'team', kind: 'cloud', apiUrl: 'https://cp.example.com' });
    const safeStorage = FakeSafeStorage();
    await new SafeStorageSecretStore({ home, safeStorage, platform: 'linux' }).set(profileTokenKey('team'), 'old-app-token');
    const lines: string[] = [];
    const app = await openHomeSecretStore({ home, env: noBus, platform: 'linux', safeStorage, log: (l) => lines.push(l) });
    assert.deepEqual(app.migrated, ['team']);
    assert.match(lines.join('\n'), /profile "team" was moved from the safe-storage store to the encrypted-file store/);
    assert.doesNotMatch(lines.join('\n'), /old-app-token/, 'the token itself is never logged');
    const cli = await openHomeSecretStore({ home, env: noBus, platform: 'linux' });
    assert.equal(await cli.store.get(profileTokenKey('team')), 'old-app-token');
    assert.equal(await new SafeStorageSecretStore({ home, safeStorage, platform: 'linux' }).get(profileTokenKey('team')), undefined, 'gone from the old store');
    assert.deepEqual((await openHomeSecretStore({ home, env: noBus, platform: 'linux', safeStorage })).migrated, [], 'moved once');
  });

  test('a token already in the home store wins over an older copy', async () => {
    new ProfileStore({ home }).add({ name: 'team', kind: 'cloud', apiUrl: 'https://cp.example.com' });
    const cli = await openHomeSecretStore({ home, env: noBus, platform: 'linux' });
    await cli.store.set(profileTokenKey('team'), 'newer');
    const safeStorage = FakeSafeStorage();
    await new SafeStorageSecretStore({ home, safeStorage, platform: 'linux' }).set(profileTokenKey('team'), 'older');
    await openHomeSecretStore({ home, env: noBus, platform: 'linux', safeStorage });
    assert.equal(await cli.store.get(profileTokenKey('team')), 'newer');
  });

  test('a damaged record is an error that names the file, not a silent switch of store', async () => {
    writeFileSync(join(home, SECRET_STORE_RECORD), '{"backend":"somewhere"}');
    await assert.rejects(openHomeSecretStore({ home, env: noBus, platform: 'linux' }), (err: Error) => err.message.startsWith(join(home, SECRET_STORE_RECORD)));
    assert.ok(!existsSync(join(home, 'secrets.enc.json')));
  });

  test('a cloud session opened with the composition root\'s store gets its client; the hint to fix a missing token is set-token', async () => {
    const env = { ...noBus, GATEWAY_TRAY_HOME: home, DOCKER_HOST: 'unix:///nonexistent.sock' };
    const profiles = new ProfileStore({ home });
    profiles.add({ name: 'team', kind: 'cloud', apiUrl: 'https://cp.example.com' });
    const missing = await openSession({ env, profile: 'team' });
    assert.equal(missing.client, undefined);
    assert.match(missing.controlPlaneProblem ?? '', /no token stored; set it with 'gateway-tray profiles set-token team --token-stdin'/);
    const { store } = await openHomeSecretStore({ home, env, platform: 'linux' });
    await store.set(profileTokenKey('team'), 'the-token');
    const session = await openSession({ env, profile: 'team', secrets: store });
    assert.ok(session.client, 'the client comes from the store it was handed');
    assert.equal(session.secrets, store);
  });
});
