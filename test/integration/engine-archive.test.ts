import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { DockerEngine } from '../../src/core/engine/engine.ts';
import { ContainerFileNotFoundError } from '../../src/core/engine/errors.ts';
import { STANDIN_IMAGE, TEST_LABEL, ensureStandinImage, removeContainersByLabel, testDocker, testRunId } from '../helpers/docker.ts';

const run = testRunId('engine-archive');
const endpoint = { protocol: 'unix', url: 'unix:///var/run/docker.sock', socketPath: '/var/run/docker.sock' } as const;
// Not a real key: the test only needs bytes that must stay private.
const KEY = '-----BEGIN TEST KEY-----\nnot-a-secret\n-----END TEST KEY-----\n';

before(async () => {
  await ensureStandinImage(await testDocker());
});
after(async () => {
  await removeContainersByLabel(await testDocker(), TEST_LABEL, run);
});

test('files put into a created container are owned by uid 636 at 0600, readable by it and no one else, and can be read out', async (t) => {
  const engine = new DockerEngine(endpoint);
  const c = await engine.createContainer({ image: STANDIN_IMAGE, instanceId: `i-${run}`, profile: `p-${run}`, labels: { [TEST_LABEL]: run } });
  t.after(() => engine.removeContainer(c.id));
  assert.equal(c.status, 'created');

  await engine.copyFilesIn(
    c.id,
    '/cloud/tls',
    [
      { name: 'tls.key', content: KEY, mode: 0o600, uid: 636, gid: 636 },
      { name: 'ca.crt', content: Buffer.from('ca-bytes\n'), mode: 0o644, uid: 636, gid: 636 },
    ],
    { folderOwner: { uid: 636, gid: 636, mode: 0o700 } },
  );
  // A folder that already exists keeps its owner and mode.
  await engine.copyFilesIn(c.id, '/usr/local/apisix/logs', [{ name: 'seed.txt', content: 'x', uid: 636, gid: 636 }]);

  await engine.startContainer(c.id);
  const stat = await engine.exec(c.id, ['stat', '-c', '%u %g %a %n', '/cloud', '/cloud/tls', '/cloud/tls/tls.key', '/cloud/tls/ca.crt', '/usr/local/apisix/logs']);
  assert.equal(stat.exitCode, 0, stat.stderr);
  assert.deepEqual(stat.stdout.trim().split('\n'), [
    '636 636 700 /cloud',
    '636 636 700 /cloud/tls',
    '636 636 600 /cloud/tls/tls.key',
    '636 636 644 /cloud/tls/ca.crt',
    '636 636 755 /usr/local/apisix/logs',
  ]);
  const asGateway = await engine.exec(c.id, ['cat', '/cloud/tls/tls.key'], { user: '636' });
  assert.equal(asGateway.exitCode, 0, asGateway.stderr);
  assert.equal(asGateway.stdout, KEY);
  const asOther = await engine.exec(c.id, ['cat', '/cloud/tls/tls.key'], { user: '65534' });
  assert.notEqual(asOther.exitCode, 0, 'another uid must not read the key');
  assert.match(asOther.stderr, /Permission denied/);

  // The container itself writes a file (as the agent does); it is read out while running and after stop.
  const write = await engine.exec(c.id, ['sh', '-c', 'printf \'{"ok":true}\' > /usr/local/apisix/logs/agent-status.json']);
  assert.equal(write.exitCode, 0, write.stderr);
  assert.equal((await engine.readFile(c.id, '/usr/local/apisix/logs/agent-status.json')).toString(), '{"ok":true}');
  await engine.stopContainer(c.id, { timeoutSeconds: 5 });
  assert.equal((await engine.readFile(c.id, '/usr/local/apisix/logs/agent-status.json')).toString(), '{"ok":true}');
  assert.equal((await engine.readFile(c.id, '/cloud/tls/ca.crt')).toString(), 'ca-bytes\n');

  await assert.rejects(engine.readFile(c.id, '/usr/local/apisix/logs/missing.json'), ContainerFileNotFoundError);
  await assert.rejects(engine.readFile(c.id, '/cloud/tls'), /not a regular file/);
  await assert.rejects(engine.readFile(c.id, '/cloud/tls/tls.key', { maxBytes: 4 }), /larger than 4 bytes/);
});

test('a folder that does not exist needs an owner, and file names cannot escape it', async (t) => {
  const engine = new DockerEngine(endpoint);
  const c = await engine.createContainer({ image: STANDIN_IMAGE, instanceId: `i2-${run}`, profile: `p-${run}`, labels: { [TEST_LABEL]: run } });
  t.after(() => engine.removeContainer(c.id));
  await assert.rejects(engine.copyFilesIn(c.id, '/nowhere/x', [{ name: 'a', content: 'a' }]), /does not exist.*folderOwner/);
  await assert.rejects(engine.copyFilesIn(c.id, '/tmp', [{ name: '../etc/passwd', content: 'a' }]), /not a plain file name/);
  await assert.rejects(engine.copyFilesIn(c.id, 'relative', [{ name: 'a', content: 'a' }]), /absolute path/);
});
