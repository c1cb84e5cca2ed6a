/**
 * The desktop app's way: the control plane in-process (startEmbeddedControlPlane: data under
 * GATEWAY_TRAY_HOME, data-plane endpoint on loopback and the Docker bridge), then a launch against it.
 * Also: a control plane that does not listen on the bridge is caught before any container is made.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startControlPlane, type RunningControlPlane } from '../../src/control-plane/index.ts';
import { CloudClient } from '../../src/core/cloud/client.ts';
import { ProfileStore } from '../../src/core/credentials/profile-store.ts';
import { DockerEngine } from '../../src/core/engine/engine.ts';
import { bridgeGatewayAddress } from '../../src/core/gateway/bridge-gateway.ts';
import { startEmbeddedControlPlane } from '../../src/core/gateway/embedded-control-plane.ts';
import { GatewayError } from '../../src/core/gateway/errors.ts';
import { readInstanceId } from '../../src/core/gateway/instance-lookup.ts';
import { launchGateway } from '../../src/core/gateway/launch.ts';
import { STANDIN_IMAGE, TEST_LABEL, ensureStandinImage, freePort, removeContainersByLabel, testDocker, testRunId } from '../helpers/docker.ts';
import { startEtcd, type RunningEtcd } from '../helpers/etcd.ts';
import { ENDPOINT, freeProfilePorts } from './launch-setup.ts';

const RUN = testRunId('launch-embedded');
let etcd: RunningEtcd;
let home: string;
const planes: RunningControlPlane[] = [];

before(async () => {
  await ensureStandinImage(await testDocker());
  etcd = await startEtcd();
  home = await mkdtemp(join(tmpdir(), 'gt-embedded-'));
});
after(async () => {
  await removeContainersByLabel(await testDocker(), TEST_LABEL, RUN).catch(() => undefined);
  for (const cp of planes) await cp.stop().catch(() => undefined);
  await etcd?.stop();
  await rm(home, { recursive: true, force: true });
});

async function localProfile(h: string) {
  return new ProfileStore({ home: h }).update('local', { image: STANDIN_IMAGE, ports: await freeProfilePorts() });
}

test('the in-process control plane serves a launch to registered', async () => {
  const engine = new DockerEngine(ENDPOINT, 'test');
  const cp = await startEmbeddedControlPlane({ home, etcdUrl: etcd.url, bridgeAddress: await bridgeGatewayAddress(engine.docker), dpPort: await freePort(), more: { apiListen: { host: '127.0.0.1', port: 0 } } });
  planes.push(cp);
  assert.ok(cp.tokenFile.startsWith(join(home, 'control-plane')));
  const client = new CloudClient({ baseUrl: cp.apiUrl, token: (await readFile(cp.tokenFile, 'utf8')).trim() });
  const result = await launchGateway({ profile: await localProfile(home), engine, client, home, labels: { [TEST_LABEL]: RUN } });
  assert.equal(result.adopted, false);
  assert.equal((await client.instance(result.clusterId, result.instanceId)).id, result.instanceId);
});

test('a control plane listening on loopback only is refused before a container is made, with the fix', async () => {
  const h = await mkdtemp(join(tmpdir(), 'gt-embedded-lo-'));
  try {
    const cp = await startControlPlane({ dataDir: join(h, 'control-plane'), etcdUrl: etcd.url, dpListen: [{ host: '127.0.0.1', port: 0 }] });
    planes.push(cp);
    const engine = new DockerEngine(ENDPOINT, 'test');
    const client = new CloudClient({ baseUrl: cp.apiUrl, token: (await readFile(cp.tokenFile, 'utf8')).trim() });
    const err = await launchGateway({ profile: await localProfile(h), engine, client, home: h, labels: { [TEST_LABEL]: RUN }, platform: 'linux' }).then(
      () => assert.fail('should fail'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof GatewayError);
    assert.equal(err.stage, 'certificate');
    assert.match(err.message, /does not answer on the Docker bridge address .*--dp-listen 127\.0\.0\.1:\d+ --dp-listen \d+\.\d+\.\d+\.\d+:\d+/);
    const instanceId = readInstanceId(h, 'local');
    assert.ok(instanceId);
    assert.equal((await engine.findManaged({ profile: 'local', instanceId })).length, 0, 'no container was made');
  } finally {
    await rm(h, { recursive: true, force: true });
  }
});
