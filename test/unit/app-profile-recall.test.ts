import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProfileActions } from '../../src/core/app/profiles.ts';
import { recallProfile } from '../../src/core/app/profile-recall.ts';
import { RemovedProfiles } from '../../src/core/app/removed-profiles.ts';
import { FileSecretStore } from '../../src/core/credentials/file-secret-store.ts';
import { ProfileStore } from '../../src/core/credentials/profile-store.ts';
import type { ContainerInfo } from '../../src/core/engine/types.ts';

function setup(): { home: string; actions: ProfileActions; removed: RemovedProfiles; done: () => void } {
  const home = mkdtempSync(join(tmpdir(), 'gt-recall-'));
  const removed = new RemovedProfiles(home);
  const actions = new ProfileActions(() => new ProfileStore({ home }), new FileSecretStore({ home }), removed);
  return { home, actions, removed, done: () => rmSync(home, { recursive: true, force: true }) };
}

const PORTS = { proxyHttp: 19080, proxyHttps: 19443, control: 19090, prometheus: 19091 };

test('a removed profile is remembered (never its token), and the same name starts from its ports and image', async () => {
  const { home, actions, done } = setup();
  try {
    await actions.add({ name: 'second', kind: 'local', image: '127.0.0.1:5000/mirror/apisix:3', ports: PORTS });
    assert.deepEqual(actions.recall('second', []), {}, 'an existing profile has nothing to recall');
    await actions.remove('second');
    const { recalled } = actions.recall('second', []);
    assert.ok(recalled);
    assert.equal(recalled.source, 'removed');
    assert.equal(recalled.kind, 'local');
    assert.deepEqual(recalled.ports, PORTS);
    assert.equal(recalled.image, '127.0.0.1:5000/mirror/apisix:3');
    assert.ok(Date.now() - Date.parse(recalled.removedAt!) < 60_000);
    // Re-added with what was recalled (the form passes it), it has its ports and image back.
    const back = await actions.add({ name: 'second', kind: 'local', image: recalled.image, ports: recalled.ports });
    assert.deepEqual(back.ports, PORTS);
    assert.deepEqual(actions.recall('second', []), {}, 'forgotten once the profile exists again');
    assert.doesNotMatch(readFileSync(join(home, 'removed-profiles.json'), 'utf8'), /second/);
    assert.deepEqual(actions.recall('never-was', []), {}, 'a new name starts from the defaults');
  } finally {
    done();
  }
});

test('a damaged memory file costs only the convenience: nothing to recall, and removal still works', async () => {
  const { home, actions, removed, done } = setup();
  try {
    writeFileSync(join(home, 'removed-profiles.json'), '{ not json');
    assert.equal(removed.get('x'), undefined);
    await actions.add({ name: 'x', kind: 'local', ports: PORTS });
    await actions.remove('x');
    assert.deepEqual(removed.get('x')?.ports, PORTS, 'the file was rewritten whole');
  } finally {
    done();
  }
});

const container = (over: Partial<ContainerInfo>): ContainerInfo =>
  ({
    id: 'c'.repeat(64),
    name: 'gateway-tray-second',
    image: '127.0.0.1:5000/gw:1',
    running: true,
    profile: 'second',
    labels: {},
    ports: [
      { containerPort: 9080, hostPort: 29080, protocol: 'tcp' },
      { containerPort: 9443, hostPort: 29443, protocol: 'tcp' },
    ],
    ...over,
  }) as ContainerInfo;

test('a gateway container of that profile still in Docker wins: its image and the ports it publishes', () => {
  const removedAt = '2026-12-01T10:00:00.000Z';
  const memory = { name: 'second', kind: 'cloud' as const, apiUrl: 'https://cp.example.com', image: 'old:1', ports: PORTS, module: 'auto', removedAt };
  const r = recallProfile('second', [container({})], memory);
  assert.deepEqual(r, {
    name: 'second',
    source: 'container',
    containerName: 'gateway-tray-second',
    running: true,
    image: '127.0.0.1:5000/gw:1',
    // Published where known; the rest from what was remembered.
    ports: { proxyHttp: 29080, proxyHttps: 29443, control: 19090, prometheus: 19091 },
    kind: 'cloud',
    module: 'auto',
    apiUrl: 'https://cp.example.com',
  });
  assert.equal(recallProfile('second', [container({ profile: 'other' })], undefined), undefined, "another profile's container is not this one's");
  assert.equal(recallProfile('second', [container({ running: false })], undefined)?.ports.control, 9090, 'no memory: the defaults fill what is not published');
});
