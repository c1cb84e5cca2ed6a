import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { instanceId, instanceIdPath } from '../../src/core/credentials/instance-id.ts';

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'gt-iid-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const moduleUrl = new URL('../../src/core/credentials/instance-id.ts', import.meta.url).href;
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

describe('instance id', () => {
  test('is made on first use as a UUID, in a 0644 file outside any container, and read back afterwards', () => {
    const first = instanceId({ home, profile: 'local' });
    assert.match(first.id, UUID);
    assert.equal(first.created, true);
    assert.equal(first.path, join(home, 'instances', 'local', 'default', 'instance-id'));
    assert.equal(readFileSync(first.path, 'utf8'), `${first.id}\n`);
    assert.equal(statSync(first.path).mode & 0o777, 0o644);
    assert.deepEqual(readdirSync(dirname(first.path)), ['instance-id'], 'no temp file left');
    const again = instanceId({ home, profile: 'local' });
    assert.deepEqual(again, { id: first.id, path: first.path, created: false });
  });

  test('differs per profile and per instance name', () => {
    const ids = new Set([
      instanceId({ home, profile: 'local' }).id,
      instanceId({ home, profile: 'work' }).id,
      instanceId({ home, profile: 'local', name: 'second' }).id,
    ]);
    assert.equal(ids.size, 3);
  });

  test('refuses names that would leave the folder', () => {
    assert.throws(() => instanceIdPath({ home, profile: 'local', name: '../x' }), /not a valid instance name/);
    assert.throws(() => instanceIdPath({ home, profile: '..', name: 'x' }), /not a valid profile name/);
  });

  test('an unreadable id is moved aside with a notice that warns about the new identity', () => {
    const path = instanceIdPath({ home, profile: 'local' });
    instanceId({ home, profile: 'local' });
    writeFileSync(path, 'garbage');
    const result = instanceId({ home, profile: 'local', now: () => new Date('2026-11-27T10:00:00Z') });
    assert.equal(result.created, true);
    assert.equal(result.notice!.movedTo, `${path}.corrupt-20261127T100000Z`);
    assert.match(result.notice!.message, /list this gateway as a new instance/);
    assert.equal(readFileSync(result.notice!.movedTo, 'utf8'), 'garbage');
  });

  test('processes racing on the first use all get the same id', async () => {
    const script = `import { instanceId } from ${JSON.stringify(moduleUrl)}; process.stdout.write(instanceId({ home: ${JSON.stringify(home)}, profile: 'race' }).id);`;
    const run = () =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
        child.on('error', reject);
        child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`child exited ${code}`))));
      });
    const ids = await Promise.all(Array.from({ length: 6 }, run));
    assert.match(ids[0]!, UUID);
    assert.deepEqual(new Set(ids), new Set([ids[0]]));
    assert.deepEqual(readdirSync(join(home, 'instances', 'race', 'default')), ['instance-id']);
  });
});
