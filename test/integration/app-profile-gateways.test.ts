/**
 * Against the real Docker daemon: removing a profile refuses while its gateway runs (nothing would stop
 * the orphan holding its ports), or stops and removes it when asked; the published ports are read from
 * the container, and a port check names the profile whose running gateway holds a port.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ProfileGatewayRunningError, ProfileGateways } from '../../src/core/app/profile-gateways.ts';
import { DockerEngine } from '../../src/core/engine/engine.ts';
import { STANDIN_IMAGE, TEST_LABEL, ensureStandinImage, freePort, removeContainersByLabel, testDocker, testRunId } from '../helpers/docker.ts';

const run = testRunId('profile-gateways');
const endpoint = { protocol: 'unix', url: 'unix:///var/run/docker.sock', socketPath: '/var/run/docker.sock' } as const;

before(async () => {
  await ensureStandinImage(await testDocker());
});
after(async () => {
  await removeContainersByLabel(await testDocker(), TEST_LABEL, run);
});

test('a profile with a running gateway is not removed unless its gateway goes with it', async () => {
  const engine = new DockerEngine(endpoint);
  const profile = `p-${run}`.slice(0, 32);
  const http = await freePort();
  const c = await engine.runContainer({
    image: STANDIN_IMAGE,
    instanceId: `rm-${run}`,
    profile,
    entrypoint: ['/bin/sh', '-c', 'exec sleep 600'],
    ports: [{ containerPort: 9080, hostPort: http, hostIp: '127.0.0.1' }],
    labels: { [TEST_LABEL]: run },
  });
  const gateways = new ProfileGateways(async () => engine);
  assert.deepEqual(await gateways.publishedPorts(c.id), { http });

  const report = await gateways.checkPorts('other', { proxyHttp: http, proxyHttps: await freePort(), control: await freePort(), prometheus: await freePort() });
  assert.deepEqual({ state: report.proxyHttp.state, profile: (report.proxyHttp as { profile?: string }).profile }, { state: 'profile', profile });
  assert.ok(report.proxyHttp.suggestion !== undefined && report.proxyHttp.suggestion !== http);
  assert.equal((await gateways.checkPorts(profile, { proxyHttp: http, proxyHttps: await freePort(), control: await freePort(), prometheus: await freePort() })).proxyHttp.state, 'own');

  await assert.rejects(gateways.clearForRemoval(profile, false), (err: unknown) => err instanceof ProfileGatewayRunningError && /has a running gateway/.test(err.message));
  assert.equal((await engine.inspectContainer(c.id)).running, true, 'a refusal touches nothing');
  assert.equal(await gateways.clearForRemoval(profile, true), 1);
  assert.deepEqual(await engine.findManaged({ profile }), [], 'no container is left holding the ports');
});
