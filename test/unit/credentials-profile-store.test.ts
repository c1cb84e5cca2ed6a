import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { ProfileError, ProfileStore } from '../../src/core/credentials/profile-store.ts';
import { SettingsVersionError } from '../../src/core/credentials/profile-migrations.ts';
import { initialSettings, settingsJsonSchema } from '../../src/core/credentials/profile-schema.ts';
import Conf from 'conf';

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'gt-profiles-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const settingsPath = () => join(home, 'settings.json');
const readSettings = () => JSON.parse(readFileSync(settingsPath(), 'utf8'));
const mode = (path: string) => statSync(path).mode & 0o777;
const fixedNow = () => new Date('2026-11-27T08:30:00.123Z');

describe('ProfileStore: first run', () => {
  test('creates a local default profile for the embedded control plane, in a 0600 file', () => {
    const store = new ProfileStore({ home });
    assert.equal(store.defaultName(), 'local');
    assert.deepEqual(store.getDefault(), {
      name: 'local',
      kind: 'local',
      image: 'apache/apisix:3.13.0-debian',
      ports: { proxyHttp: 9080, proxyHttps: 9443, control: 9090, prometheus: 9091 },
      options: { autoRenewCert: true },
      module: 'auto',
    });
    assert.equal(readSettings().version, 3);
    assert.equal(mode(settingsPath()), 0o600);
    assert.deepEqual(store.takeNotices(), []);
  });

  test('a second open reads the same file back', () => {
    new ProfileStore({ home }).add({ name: 'work', kind: 'cloud', apiUrl: 'https://api.example.com' });
    const again = new ProfileStore({ home });
    assert.deepEqual(again.list().map((p) => p.name), ['local', 'work']);
  });
});

describe('ProfileStore: add, update, use, remove', () => {
  test('add applies defaults and normalizes the URL', () => {
    const store = new ProfileStore({ home });
    const work = store.add({ name: 'work', kind: 'cloud', apiUrl: 'https://api.example.com/', ports: { proxyHttp: 8080 } });
    assert.deepEqual(work, {
      name: 'work',
      kind: 'cloud',
      apiUrl: 'https://api.example.com',
      image: 'apache/apisix:3.13.0-debian',
      ports: { proxyHttp: 8080, proxyHttps: 9443, control: 9090, prometheus: 9091 },
      options: { autoRenewCert: true },
      module: 'auto',
    });
    assert.deepEqual(store.get('work'), work);
    assert.equal(mode(settingsPath()), 0o600, 'conf keeps the mode on later writes');
  });

  test('add refuses bad input with messages that say what is wrong', () => {
    const store = new ProfileStore({ home });
    const cases: Array<[unknown, RegExp]> = [
      [{ name: 'Work', kind: 'local' }, /name: a profile name is 1 to 32 characters/],
      [{ name: '-x', kind: 'local' }, /a profile name/],
      [{ name: 'a'.repeat(33), kind: 'local' }, /a profile name/],
      [{ name: 'w', kind: 'cloud' }, /apiUrl/],
      [{ name: 'w', kind: 'cloud', apiUrl: 'http://cloud.example.com' }, /must use https:\/\//],
      [{ name: 'w', kind: 'cloud', apiUrl: 'https://user:pw@cloud.example.com' }, /must not carry a user, password/],
      [{ name: 'w', kind: 'local', ports: { proxyHttp: 9090 } }, /must all differ/],
      [{ name: 'w', kind: 'local', ports: { proxyHttp: 0 } }, /ports\.proxyHttp/],
      [{ name: 'w', kind: 'local', image: 'Not An Image' }, /an image is a Docker reference/],
      [{ name: 'w', kind: 'local', clusterId: 'abc' }, /a cluster id is a decimal string/],
      [{ name: 'w', kind: 'local', token: 'secret' }, /Unrecognized key/],
      [{ name: 'w', kind: 'other' }, /kind/],
      [{ name: 'local', kind: 'local' }, /A profile named "local" already exists/],
    ];
    for (const [input, message] of cases) {
      assert.throws(() => store.add(input), (error: Error) => error instanceof ProfileError && message.test(error.message), JSON.stringify(input));
    }
    assert.deepEqual(store.list().map((p) => p.name), ['local']);
  });

  test('plain http is accepted for a control plane on loopback, and registry images with ports', () => {
    const store = new ProfileStore({ home });
    const team = store.add({ name: 'team', kind: 'cloud', apiUrl: 'http://127.0.0.1:7080', image: '127.0.0.1:5000/apisix-standin:latest' });
    assert.equal(team.kind === 'cloud' && team.apiUrl, 'http://127.0.0.1:7080');
    assert.equal(team.image, '127.0.0.1:5000/apisix-standin:latest');
  });

  test('update merges, can clear the cluster id, and validates the result', () => {
    const store = new ProfileStore({ home });
    store.add({ name: 'work', kind: 'cloud', apiUrl: 'https://api.example.com' });
    assert.equal(store.update('work', { clusterId: '42' }).clusterId, '42');
    const updated = store.update('work', { ports: { control: 19090 }, options: { autoRenewCert: false } });
    assert.deepEqual(updated.ports, { proxyHttp: 9080, proxyHttps: 9443, control: 19090, prometheus: 9091 });
    assert.equal(updated.options.autoRenewCert, false);
    assert.equal(updated.clusterId, '42');
    assert.equal(store.update('work', { ports: { control: undefined } }).ports.control, 19090, 'undefined keeps the value');
    assert.equal('clusterId' in store.update('work', { clusterId: null }), false);
    assert.throws(() => store.update('work', { ports: { control: 9080 } }), /must all differ/);
    assert.throws(() => store.update('local', { apiUrl: 'https://x.example' }), /embedded local control plane, which has no URL/);
    assert.throws(() => store.update('nope', { image: 'apisix' }), /There is no profile named "nope". The profiles are: local, work/);
    assert.throws(() => store.update('work', { kind: 'local' }), /Unrecognized key/);
  });

  test('the module setting: added, changed, and a bad value refused naming the allowed ones', () => {
    const store = new ProfileStore({ home });
    const team = store.add({ name: 'team', kind: 'cloud', apiUrl: 'https://api.example.com', module: 'api7' });
    assert.equal(team.module, 'api7');
    assert.equal(store.update('team', { module: 'https://mirror.example/cloud_module_beta.tar.gz' }).module, 'https://mirror.example/cloud_module_beta.tar.gz');
    assert.equal(store.update('team', { module: 'open-agent' }).module, 'open-agent');
    assert.equal(store.update('team', { image: 'apisix' }).module, 'open-agent', 'other changes keep it');
    assert.throws(() => store.add({ name: 'x', kind: 'local', module: 'cloud' }), /Invalid profile: module: the module is one of auto, open-agent, api7, or the http\(s\) URL of a module tarball/);
    assert.throws(() => store.update('team', { module: 'file:///tmp/m.tgz' }), /module: the module is one of/);
    assert.equal(store.get('team').module, 'open-agent', 'a refused change leaves the stored value');
  });

  test('use sets the default and refuses unknown names', () => {
    const store = new ProfileStore({ home });
    store.add({ name: 'work', kind: 'cloud', apiUrl: 'https://api.example.com' });
    store.use('work');
    assert.equal(new ProfileStore({ home }).defaultName(), 'work');
    assert.throws(() => store.use('nope'), /There is no profile named "nope"/);
    assert.throws(() => store.use('../etc'), /Invalid profile name/);
  });

  test('remove: never the last profile; removing the default hands it to "local"', () => {
    const store = new ProfileStore({ home });
    assert.throws(() => store.remove('local'), /"local" is the only profile and cannot be removed: add another profile first/);
    store.add({ name: 'b', kind: 'local', ports: { proxyHttp: 10080, proxyHttps: 10443, control: 10090, prometheus: 10091 } });
    store.add({ name: 'a', kind: 'cloud', apiUrl: 'https://api.example.com' });
    store.use('a');
    assert.deepEqual(store.remove('a'), { removed: 'a', defaultProfile: 'local' });
    store.use('b');
    assert.deepEqual(store.remove('local'), { removed: 'local', defaultProfile: 'b' }, 'without "local", the first name');
    assert.deepEqual(store.list().map((p) => p.name), ['b']);
    assert.throws(() => store.remove('b'), /only profile/);
  });

  test('onDidChange fires on writes', () => {
    const store = new ProfileStore({ home });
    let changes = 0;
    const off = store.onDidChange(() => changes++);
    store.add({ name: 'work', kind: 'cloud', apiUrl: 'https://api.example.com' });
    store.use('work');
    off();
    store.use('local');
    assert.equal(changes, 2);
  });
});

describe('ProfileStore: files from elsewhere', () => {
  test('a v1 file is migrated on open, and the original kept as settings.json.v1.bak', () => {
    const v1 = { version: 1, defaultProfile: 'local', profiles: { local: { kind: 'local', image: 'apache/apisix:3.9.0-debian', port: 8000 } } };
    const text = JSON.stringify(v1);
    writeFileSync(settingsPath(), text, { mode: 0o644 });
    const store = new ProfileStore({ home });
    assert.deepEqual(store.get('local').ports, { proxyHttp: 8000, proxyHttps: 9443, control: 9090, prometheus: 9091 });
    assert.equal(store.get('local').module, 'auto');
    assert.equal(readSettings().version, 3);
    assert.equal(mode(settingsPath()), 0o600);
    assert.equal(readFileSync(`${settingsPath()}.v1.bak`, 'utf8'), text);
    assert.equal(mode(`${settingsPath()}.v1.bak`), 0o600);
  });

  test('a file from a newer version is refused and left byte for byte', () => {
    const text = JSON.stringify({ version: 4, defaultProfile: 'local', profiles: {}, somethingNew: true });
    writeFileSync(settingsPath(), text);
    assert.throws(() => new ProfileStore({ home }), (error: Error) => error instanceof SettingsVersionError && /settings version 4/.test(error.message));
    assert.equal(readFileSync(settingsPath(), 'utf8'), text);
    assert.deepEqual(readdirSync(home), ['settings.json']);
  });

  test('a newer version written while the store is open is refused too', () => {
    const store = new ProfileStore({ home });
    const text = JSON.stringify({ version: 9 });
    writeFileSync(settingsPath(), text);
    assert.throws(() => store.list(), SettingsVersionError);
    assert.throws(() => store.use('local'), SettingsVersionError);
    assert.equal(readFileSync(settingsPath(), 'utf8'), text);
  });

  test('a corrupt file is moved aside with a notice, kept intact, and a fresh local profile created', () => {
    writeFileSync(settingsPath(), '{"version": 2, "profiles": {');
    const store = new ProfileStore({ home, now: fixedNow });
    const notices = store.takeNotices();
    assert.equal(notices.length, 1);
    const [notice] = notices;
    assert.equal(notice!.movedTo, `${settingsPath()}.corrupt-20261127T083000Z`);
    assert.match(notice!.message, /could not be read \(it is not valid JSON\)\. It was moved to .*settings\.json\.corrupt-20261127T083000Z and kept there/);
    assert.equal(readFileSync(notice!.movedTo, 'utf8'), '{"version": 2, "profiles": {');
    assert.deepEqual(store.list().map((p) => p.name), ['local']);
    assert.deepEqual(store.takeNotices(), [], 'a notice is handed out once');
  });

  test('a file that breaks the schema is moved aside too, even mid-session, without clobbering an earlier one', () => {
    const store = new ProfileStore({ home, now: fixedNow });
    store.add({ name: 'work', kind: 'cloud', apiUrl: 'https://api.example.com' });
    // Every profile is sound but the frame is not (the default names no profile): the whole file goes.
    const bad = JSON.stringify({
      version: 2,
      defaultProfile: 'gone',
      profiles: { local: { kind: 'local', image: 'apache/apisix:3.13.0-debian', ports: { proxyHttp: 9080, proxyHttps: 9443, control: 9090, prometheus: 9091 }, options: { autoRenewCert: true } } },
    });
    writeFileSync(settingsPath(), bad);
    assert.deepEqual(store.list().map((p) => p.name), ['local']);
    writeFileSync(settingsPath(), 'not json');
    assert.equal(store.defaultName(), 'local');
    const notices = store.takeNotices();
    assert.equal(notices.length, 2);
    assert.equal(readFileSync(notices[0]!.movedTo, 'utf8'), bad);
    assert.equal(notices[1]!.movedTo, `${notices[0]!.movedTo}-1`);
    assert.equal(readFileSync(notices[1]!.movedTo, 'utf8'), 'not json');
  });

  test('a deleted file is recreated on the next call', () => {
    const store = new ProfileStore({ home });
    rmSync(settingsPath());
    assert.equal(store.defaultName(), 'local');
    assert.equal(mode(settingsPath()), 0o600);
  });

  test('a loosened file mode is tightened on the next write', () => {
    const store = new ProfileStore({ home });
    chmodSync(settingsPath(), 0o644);
    store.add({ name: 'work', kind: 'cloud', apiUrl: 'https://api.example.com' });
    assert.equal(mode(settingsPath()), 0o600);
  });
});

describe('settings JSON schema', () => {
  test('is derived from the zod schema and enforced by conf on its own', () => {
    const { properties, required, additionalProperties } = settingsJsonSchema;
    writeFileSync(join(home, 'schema-check.json'), JSON.stringify(initialSettings()));
    const conf = new Conf<Record<string, unknown>>({
      cwd: home,
      configName: 'schema-check',
      schema: properties as never,
      rootSchema: { required, additionalProperties } as never,
    });
    conf.store = initialSettings();
    const bad: Array<[string, unknown]> = [
      ['a token in a profile', { ...initialSettings(), profiles: { local: { ...initialSettings().profiles.local, token: 'x' } } }],
      ['an upper-case profile name', { ...initialSettings(), profiles: { Local: initialSettings().profiles.local } }],
      ['a port out of range', { ...initialSettings(), profiles: { local: { ...initialSettings().profiles.local, ports: { proxyHttp: 0, proxyHttps: 1, control: 2, prometheus: 3 } } } }],
      ['another version', { ...initialSettings(), version: 4 }],
      ['a missing default', { version: 2, profiles: {} }],
    ];
    for (const [what, value] of bad) assert.throws(() => (conf.store = value as never), /Config schema violation/, what);
  });
});
