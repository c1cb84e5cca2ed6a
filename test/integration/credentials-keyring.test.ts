import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, test } from 'node:test';
import { FileSecretStore } from '../../src/core/credentials/file-secret-store.ts';
import { openHomeSecretStore, SECRET_STORE_RECORD } from '../../src/core/credentials/home-secret-store.ts';
import { KeyringSecretStore } from '../../src/core/credentials/keyring-secret-store.ts';
import { ProfileStore } from '../../src/core/credentials/profile-store.ts';
import { profileTokenKey } from '../../src/core/credentials/secret-store.ts';
import { waitFor } from '../helpers/wait-for.ts';

/**
 * The secret-tool path against a real Secret Service: a private D-Bus session bus and gnome-keyring,
 * both started here and stopped by pid. Needs the Debian packages dbus-daemon, libsecret-tools and
 * gnome-keyring (no desktop); a missing one fails the test rather than skipping it.
 */

const run = promisify(execFile);
let root: string;
let env: NodeJS.ProcessEnv;
const started: ChildProcess[] = [];

function start(command: string, args: string[], childEnv: NodeJS.ProcessEnv, input?: string): ChildProcess {
  const child = spawn(command, args, { env: childEnv, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'ignore'] });
  child.on('error', (error) => assert.fail(`${command} could not start: ${error.message}`));
  started.push(child);
  if (input !== undefined) {
    // The daemon may close stdin as soon as it has read the password; that is not an error.
    child.stdin!.on('error', () => {});
    child.stdin!.end(input);
  }
  return child;
}

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'gt-keyring-'));
  mkdirSync(join(root, 'run'), { mode: 0o700 });
  const base = { PATH: process.env.PATH, HOME: root, XDG_RUNTIME_DIR: join(root, 'run'), XDG_DATA_HOME: join(root, 'data') };
  const bus = start('dbus-daemon', ['--session', '--nofork', '--print-address=1'], base);
  const address = await new Promise<string>((resolve, reject) => {
    let out = '';
    bus.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('\n')) resolve(out.split('\n')[0]!);
    });
    bus.once('exit', (code) => reject(new Error(`dbus-daemon exited (${code})`)));
  });
  env = { ...base, DBUS_SESSION_BUS_ADDRESS: address };
  // The password on stdin creates and unlocks the login keyring, so nothing ever needs a prompt.
  start('gnome-keyring-daemon', ['--foreground', '--unlock', '--components=secrets'], env, 'test-password').stdout!.resume();
  // Wait for the name without asking the service itself, which would make the bus start a second one.
  await waitFor(
    async () => {
      const { stdout } = await run('dbus-send', ['--session', '--print-reply', '--dest=org.freedesktop.DBus', '/', 'org.freedesktop.DBus.NameHasOwner', 'string:org.freedesktop.secrets'], { env });
      return /boolean true/.test(stdout);
    },
    { what: 'gnome-keyring to own org.freedesktop.secrets', timeoutMs: 20_000 },
  );
});

after(async () => {
  for (const child of started.reverse()) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  rmSync(root, { recursive: true, force: true });
});

describe('KeyringSecretStore with a real Secret Service', () => {
  test('probe succeeds and leaves nothing behind', async () => {
    const store = new KeyringSecretStore({ home: join(root, 'home-a'), env });
    assert.deepEqual(await store.probe(), { ok: true });
    const { stdout } = await run('secret-tool', ['search', '--all', 'application', 'gateway-tray'], { env }).catch((error: { stdout: string }) => error);
    assert.doesNotMatch(stdout, /probe:/);
  });

  test('stores, reads and deletes; values come back exactly', async () => {
    const store = new KeyringSecretStore({ home: join(root, 'home-a'), env });
    const key = profileTokenKey('work');
    assert.equal(await store.get(key), undefined);
    for (const value of ['tok-123', 'with spaces and ünïcode 🔑', 'trailing newline\n']) {
      await store.set(key, value);
      assert.equal(await store.get(key), value);
    }
    assert.equal(await store.delete(key), true);
    assert.equal(await store.delete(key), false);
    assert.equal(await store.get(key), undefined);
    assert.equal(store.backend().secure, true);
  });

  test('two data folders do not see each other’s secrets', async () => {
    const a = new KeyringSecretStore({ home: join(root, 'home-a'), env });
    const b = new KeyringSecretStore({ home: join(root, 'home-b'), env });
    await a.set('k', 'from-a');
    assert.equal(await b.get('k'), undefined);
    await b.set('k', 'from-b');
    assert.equal(await a.get('k'), 'from-a');
    await a.delete('k');
    assert.equal(await b.get('k'), 'from-b');
    await b.delete('k');
  });

  test("a home's store is the keyring when a Secret Service answers, and no secrets file is written", async () => {
    const home = join(root, 'home-c');
    const { store, record } = await openHomeSecretStore({ home, env, platform: 'linux' });
    assert.equal(record.backend, 'keyring');
    assert.equal(store.backend().name, 'keyring');
    await store.set('k', 'v');
    assert.deepEqual(readdirSync(home), [SECRET_STORE_RECORD], 'only the record of the choice');
    await store.delete('k');
  });

  test("a home's first open records the keyring, moves an older encrypted file's tokens into it, and the CLI and app agree", async () => {
    const home = join(root, 'home-d');
    new ProfileStore({ home }).add({ name: 'team', kind: 'cloud', apiUrl: 'https://cp.example.com' });
    // What an earlier version left: the token in the encrypted file, chosen while no keyring answered.
    await new FileSecretStore({ home }).set(profileTokenKey('team'), 'from-the-file');
    const cli = await openHomeSecretStore({ home, env, platform: 'linux' });
    assert.equal(cli.record.backend, 'keyring');
    assert.deepEqual(cli.migrated, ['team']);
    assert.equal(await new KeyringSecretStore({ home, env }).get(profileTokenKey('team')), 'from-the-file');
    assert.equal(await new FileSecretStore({ home }).get(profileTokenKey('team')), undefined, 'gone from the file');
    // Later opens, with or without a keyring answering now, use what is recorded.
    const app = await openHomeSecretStore({ home, env, platform: 'linux' });
    assert.equal(app.store.backend().name, 'keyring');
    assert.deepEqual(app.migrated, []);
    const locked = await openHomeSecretStore({ home, env: { PATH: process.env.PATH, HOME: root, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' }, platform: 'linux' });
    assert.equal(locked.store.backend().name, 'keyring', 'a keyring that stops answering is an error to fix, not a switch');
    await assert.rejects(locked.store.get(profileTokenKey('team')), /unlock or start your keyring/);
    await cli.store.delete(profileTokenKey('team'));
  });

  test('with the bus gone, operations fail with an error that says what to do', async () => {
    const store = new KeyringSecretStore({ home: join(root, 'home-a'), env: { PATH: process.env.PATH, HOME: root, DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/bus' } });
    await assert.rejects(store.get('k'), /The desktop keyring could not read a secret \(.+\); unlock or start your keyring/);
    const probe = await store.probe();
    assert.equal(probe.ok, false);
  });
});
