/**
 * One bad profile in settings.json is set aside on its own: its raw text goes to a side file with a
 * notice naming both files, and every other profile (and the default, when it survives) is kept.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { ProfileStore } from '../../src/core/credentials/profile-store.ts';

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'gt-salvage-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const fixedNow = () => new Date('2026-11-27T08:30:00.123Z');
const ports = (base: number) => ({ proxyHttp: base, proxyHttps: base + 1, control: base + 2, prometheus: base + 3 });
const good = (base: number) => ({ kind: 'local', image: 'apache/apisix:3.13.0-debian', ports: ports(base), options: { autoRenewCert: true }, module: 'auto' });

describe('ProfileStore: one bad profile', () => {
  test('only the bad profile is set aside, with its raw text; the others and the default stay', () => {
    const badProfile = { kind: 'cloud', apiUrl: 'ftp://nope', image: 'apache/apisix:3.13.0-debian', ports: ports(20000), options: { autoRenewCert: true }, module: 'auto' };
    writeFileSync(
      join(home, 'settings.json'),
      JSON.stringify({ version: 3, defaultProfile: 'work', profiles: { local: good(9080), work: good(10080), broken: badProfile } }),
    );
    const store = new ProfileStore({ home, now: fixedNow });
    assert.deepEqual(store.list().map((p) => p.name), ['local', 'work']);
    assert.equal(store.defaultName(), 'work');
    const [notice, ...more] = store.takeNotices();
    assert.deepEqual(more, []);
    assert.equal(notice!.kind, 'profile-set-aside');
    assert.equal(notice!.movedTo, join(home, 'settings.json.profile-broken.corrupt-20261127T083000Z.json'));
    assert.match(notice!.message, /^Profile "broken" in .*settings\.json could not be read \(apiUrl: .*\)\. It was set aside in .*profile-broken.*; the other profiles are kept/);
    assert.deepEqual(JSON.parse(readFileSync(notice!.movedTo, 'utf8')), { name: 'broken', profile: badProfile });
    const saved = JSON.parse(readFileSync(join(home, 'settings.json'), 'utf8')) as { profiles: Record<string, unknown> };
    assert.deepEqual(Object.keys(saved.profiles).sort(), ['local', 'work'], 'the file itself is rewritten without it');
    assert.deepEqual(new ProfileStore({ home }).takeNotices(), [], 'set aside once, not at every open');
  });

  test('an older file with one bad profile keeps the others, migrated, and a backup of the whole original', () => {
    const v2 = (base: number) => ({ kind: 'local', image: 'apache/apisix:3.13.0-debian', ports: ports(base), options: { autoRenewCert: true } });
    const text = JSON.stringify({ version: 2, defaultProfile: 'bad', profiles: { local: v2(9080), bad: { ...v2(11080), ports: ports(70000) } } });
    writeFileSync(join(home, 'settings.json'), text);
    const store = new ProfileStore({ home, now: fixedNow });
    assert.deepEqual(store.list().map((p) => [p.name, p.module]), [['local', 'auto']]);
    assert.equal(store.defaultName(), 'local', 'the default moves to local when it was the bad one');
    assert.equal(store.takeNotices()[0]!.kind, 'profile-set-aside');
    assert.equal(readFileSync(join(home, 'settings.json.v2.bak'), 'utf8'), text);
  });

  test('when every profile is bad, a fresh local profile takes their place and each one is set aside', () => {
    writeFileSync(join(home, 'settings.json'), JSON.stringify({ version: 3, defaultProfile: 'a', profiles: { a: { kind: 'local' }, b: 42 } }));
    const store = new ProfileStore({ home, now: fixedNow });
    assert.deepEqual(store.list().map((p) => p.name), ['local']);
    assert.equal(store.takeNotices().length, 2);
    assert.equal(readdirSync(home).filter((f) => f.includes('.profile-')).length, 2);
  });
});
