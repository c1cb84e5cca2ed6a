import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeInstanceFiles } from '../../src/core/gateway/instance-files.ts';
import { instancePaths } from '../../src/core/gateway/paths.ts';
import { Rollback } from '../../src/core/gateway/rollback.ts';

function home(): string {
  return mkdtempSync(join(tmpdir(), 'gt-files-'));
}

test('writes apisix.uid and config.yaml at 0644 in a 0700 folder', (t) => {
  const h = home();
  t.after(() => rmSync(h, { recursive: true, force: true }));
  const paths = instancePaths(h, 'local', 'default');
  writeInstanceFiles(paths, 'id-1', 'apisix: {}\n');
  assert.equal(readFileSync(paths.uidFile, 'utf8'), 'id-1');
  assert.equal(readFileSync(paths.configFile, 'utf8'), 'apisix: {}\n');
  assert.equal(statSync(paths.configFile).mode & 0o777, 0o644);
  assert.equal(statSync(paths.dir).mode & 0o777, 0o700);
});

test('a re-launch with the same files leaves them as they are; a change, or a wrong mode, is written', (t) => {
  const h = home();
  t.after(() => rmSync(h, { recursive: true, force: true }));
  const paths = instancePaths(h, 'local', 'default');
  writeInstanceFiles(paths, 'id-1', 'apisix: {}\n');
  const first = { config: statSync(paths.configFile).ino, uid: statSync(paths.uidFile).ino };

  writeInstanceFiles(paths, 'id-1', 'apisix: {}\n');
  assert.deepEqual({ config: statSync(paths.configFile).ino, uid: statSync(paths.uidFile).ino }, first, 'the same files, not rewritten');

  writeInstanceFiles(paths, 'id-1', 'apisix: { node_listen: 9080 }\n');
  assert.notEqual(statSync(paths.configFile).ino, first.config, 'a changed config.yaml is replaced');
  assert.equal(readFileSync(paths.configFile, 'utf8'), 'apisix: { node_listen: 9080 }\n');
  assert.equal(statSync(paths.uidFile).ino, first.uid);

  chmodSync(paths.uidFile, 0o600);
  writeInstanceFiles(paths, 'id-1', 'apisix: { node_listen: 9080 }\n');
  assert.equal(statSync(paths.uidFile).mode & 0o777, 0o644, 'a file the gateway user could not read is written again');
});

test('a failed launch puts the files that were there back', (t) => {
  const h = home();
  t.after(() => rmSync(h, { recursive: true, force: true }));
  const paths = instancePaths(h, 'local', 'default');
  writeInstanceFiles(paths, 'id-1', 'old: 1\n');
  const rollback = new Rollback();
  writeInstanceFiles(paths, 'id-1', 'new: 2\n', rollback);
  return rollback.run().then((problems) => {
    assert.deepEqual(problems, []);
    assert.equal(readFileSync(paths.configFile, 'utf8'), 'old: 1\n');
    assert.equal(readFileSync(paths.uidFile, 'utf8'), 'id-1');
  });
});
