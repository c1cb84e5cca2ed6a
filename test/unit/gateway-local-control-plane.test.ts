import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatewayError } from '../../src/core/gateway/errors.ts';
import { ensureLocalEtcd, findEtcdBinary } from '../../src/core/gateway/etcd-process.ts';
import { locateLocalControlPlane } from '../../src/core/gateway/local-control-plane.ts';
import { resolveAgentDir, PACKAGED_AGENT_DIR } from '../../src/core/gateway/agent-dir.ts';

test('no control-plane.json, a broken one, or one that does not answer: each is a reason, not a crash', async () => {
  const home = await mkdtemp(join(tmpdir(), 'gt-locate-'));
  try {
    const none = await locateLocalControlPlane(home);
    assert.ok('problem' in none && /no local control plane is running/.test(none.problem));
    await mkdir(join(home, 'control-plane'));
    await writeFile(join(home, 'control-plane', 'control-plane.json'), '{"apiUrl": 1}');
    const broken = await locateLocalControlPlane(home);
    assert.ok('problem' in broken && /cannot be used/.test(broken.problem));
    await writeFile(join(home, 'control-plane', 'token'), 'secret\n', { mode: 0o600 });
    await writeFile(
      join(home, 'control-plane', 'control-plane.json'),
      JSON.stringify({ apiUrl: 'http://127.0.0.1:9', dataPlaneUrl: 'https://127.0.0.1:9', domain: 'd', orgId: '1', clusterId: '2', tokenFile: join(home, 'control-plane', 'token'), caFile: 'x' }),
    );
    const silent = await locateLocalControlPlane(home, 1000);
    assert.ok('problem' in silent && /does not answer/.test(silent.problem));
    assert.ok(!silent.problem.includes('secret'), 'the token never appears in a message');
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});

test('without an etcd binary the error says what to install', async () => {
  assert.equal(findEtcdBinary({ PATH: '' }), undefined);
  assert.equal(findEtcdBinary({ PATH: '/usr/bin' }), '/usr/bin/etcd', 'Debian etcd-server is on this machine');
  const home = await mkdtemp(join(tmpdir(), 'gt-etcd-'));
  try {
    await assert.rejects(ensureLocalEtcd(home, { PATH: '/nonexistent' }), (e: unknown) => e instanceof GatewayError && /apt install etcd-server/.test(e.message) && /--etcd/.test(e.message));
  } finally {
    await rm(home, { recursive: true, force: true });
  }
});

test('the agent folder is the packaged one unless overridden; a folder without the hook is refused', () => {
  assert.equal(resolveAgentDir(undefined, {}), PACKAGED_AGENT_DIR);
  assert.throws(() => resolveAgentDir('/nonexistent', {}), /gateway agent is missing: \/nonexistent has no gateway_tray_agent\/hook\.lua/);
  assert.throws(() => resolveAgentDir(undefined, { GATEWAY_TRAY_AGENT_DIR: '/tmp' }), /GATEWAY_TRAY_AGENT_DIR/);
});
