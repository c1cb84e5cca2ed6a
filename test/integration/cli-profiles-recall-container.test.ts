/**
 * `profiles add NAME` where a gateway container of that profile is still in Docker (the profile went,
 * its container stayed): the new profile starts from the image and the ports that container really
 * publishes, and says so on stderr; --defaults takes the defaults. The real dockerd; the container is
 * the stand-in image running `sleep`, labelled as a gateway of that profile.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { runCli } from '../../src/cli/run-cli.ts';
import { ProfileStore } from '../../src/core/credentials/profile-store.ts';
import { managedLabels } from '../../src/core/engine/labels.ts';
import { STANDIN_IMAGE, TEST_DOCKER_SOCKET, TEST_LABEL, ensureStandinImage, removeContainersByLabel, testDocker, testRunId } from '../helpers/docker.ts';
import { captureIO } from '../helpers/capture-io.ts';
import { freeProfilePorts } from './launch-setup.ts';

const RUN = testRunId('cli-recall');
const PROFILE = `edge-${RUN.slice(-8)}`;
let docker: Docker;
let home: string;
let ports: Awaited<ReturnType<typeof freeProfilePorts>>;
let containerName: string;

before(async () => {
  docker = await testDocker();
  await ensureStandinImage(docker);
  home = mkdtempSync(join(tmpdir(), 'gt-cli-recall-c-'));
  ports = await freeProfilePorts();
  containerName = `gateway-tray-${PROFILE}-test`;
  const bind = (p: number) => [{ HostIp: '127.0.0.1', HostPort: String(p) }];
  const c = await docker.createContainer({
    name: containerName,
    Image: STANDIN_IMAGE,
    Entrypoint: ['sleep'],
    Cmd: ['300'],
    Labels: { ...managedLabels(randomUUID(), PROFILE), [TEST_LABEL]: RUN },
    ExposedPorts: { '9080/tcp': {}, '9443/tcp': {}, '9090/tcp': {}, '9091/tcp': {} },
    HostConfig: { PortBindings: { '9080/tcp': bind(ports.proxyHttp), '9443/tcp': bind(ports.proxyHttps), '9090/tcp': bind(ports.control), '9091/tcp': bind(ports.prometheus) } },
  });
  await c.start();
});

after(async () => {
  await removeContainersByLabel(docker, TEST_LABEL, RUN).catch(() => undefined);
  rmSync(home, { recursive: true, force: true });
});

async function cli(args: string[]) {
  const io = captureIO({ GATEWAY_TRAY_HOME: home, DOCKER_HOST: `unix://${TEST_DOCKER_SOCKET}`, PATH: process.env.PATH });
  const code = await runCli(args, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

test('a profile whose gateway container is still in Docker starts from its image and published ports, and says so', async () => {
  const added = await cli(['profiles', 'add', PROFILE]);
  assert.equal(added.code, 0, added.err);
  const p = ports;
  assert.ok(
    added.err.includes(`Profile "${PROFILE}" starts from its gateway container ${containerName}, still in Docker and running: ports ${p.proxyHttp}/${p.proxyHttps}/${p.control}/${p.prometheus}, image ${STANDIN_IMAGE}`),
    added.err,
  );
  const saved = new ProfileStore({ home }).get(PROFILE);
  assert.deepEqual(saved.ports, ports, 'the ports the container publishes, which it really holds');
  assert.equal(saved.image, STANDIN_IMAGE);
});

test('--defaults takes the defaults even with the container there', async () => {
  assert.equal((await cli(['profiles', 'remove', PROFILE])).code, 0);
  const fresh = await cli(['profiles', 'add', PROFILE, '--defaults']);
  assert.equal(fresh.code, 0, fresh.err);
  assert.doesNotMatch(fresh.err, /starts from/);
  assert.equal(new ProfileStore({ home }).get(PROFILE).ports.proxyHttp, 9080);
});
