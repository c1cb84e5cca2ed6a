/**
 * Launch failures against the real components: a bad token, a port in use and a missing image each give
 * a clear error, leave no container behind, and keep the profiles and the certificate as they were.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DockerEngine } from '../../src/core/engine/engine.ts';
import { checkEngine } from '../../src/core/gateway/preflight.ts';
import { CloudClient } from '../../src/core/cloud/client.ts';
import { GatewayError } from '../../src/core/gateway/errors.ts';
import { launchGateway } from '../../src/core/gateway/launch.ts';
import { stopGateway } from '../../src/core/gateway/stop.ts';
import { instancePaths } from '../../src/core/gateway/paths.ts';
import { occupyPort } from '../helpers/docker.ts';
import { startLaunchWorld, type LaunchWorld } from './launch-setup.ts';

let w: LaunchWorld;
let instanceId: string;
let tlsDir: string;
let before1: { settings: string; cert: string; key: string; config: string };

function snapshot() {
  const paths = instancePaths(w.home, 'local', 'default');
  return {
    settings: readFileSync(join(w.home, 'settings.json'), 'utf8'),
    cert: readFileSync(join(tlsDir, 'tls.crt'), 'utf8'),
    key: readFileSync(join(tlsDir, 'tls.key'), 'utf8'),
    config: readFileSync(paths.configFile, 'utf8'),
  };
}

async function ourContainers(): Promise<number> {
  return (await w.engine.findManaged({ profile: 'local', instanceId })).length;
}

before(async () => {
  w = await startLaunchWorld('launch-err');
  // A first good launch leaves a certificate and files, which the failures below must not damage.
  const first = await launchGateway(w.ctx());
  instanceId = first.instanceId;
  tlsDir = join(w.home, 'instances', 'local', instanceId, 'tls');
  await stopGateway(w.engine, { home: w.home, profile: 'local' }, { remove: true });
  before1 = snapshot();
});
after(async () => {
  await w?.cleanup();
});

async function expectFailure(run: () => Promise<unknown>, stage: string, pattern: RegExp): Promise<GatewayError> {
  const err = await run().then(
    () => assert.fail('the launch should have failed'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof GatewayError, `a GatewayError, got ${String(err)}`);
  assert.equal(err.stage, stage);
  assert.match(err.message, pattern);
  assert.equal(await ourContainers(), 0, 'no container is left behind');
  assert.deepEqual(snapshot(), before1, 'settings, certificate and files are as they were');
  return err;
}

/** An engine on a socket of this test's own: nothing there, or a server that takes the connection and never answers. */
function engineAt(socketPath: string): DockerEngine {
  return new DockerEngine({ protocol: 'unix', url: `unix://${socketPath}`, socketPath }, 'test');
}

test('no Docker: pre-flight fails with the ping\'s own message, though the launch no longer pings first', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gt-nodocker-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const engine = engineAt(join(dir, 'docker.sock'));
  const ping = await checkEngine(w.ctx({ engine })).then(() => assert.fail('nothing listens there'), (e: unknown) => e as GatewayError);
  assert.match(ping.message, /Docker is not running at unix:\/\//);
  await expectFailure(() => launchGateway(w.ctx({ engine })), 'preflight', new RegExp(ping.message.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')));
});

test('a Docker that takes the connection and never answers fails pre-flight at the ping\'s timeout', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gt-hungdocker-'));
  const held: Socket[] = [];
  const server = createServer((socket) => held.push(socket));
  await new Promise<void>((resolve) => server.listen(join(dir, 'docker.sock'), resolve));
  t.after(async () => {
    for (const s of held) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });
  await expectFailure(() => launchGateway(w.ctx({ engine: engineAt(join(dir, 'docker.sock')) })), 'preflight', /Docker did not answer at unix:\/\/.* in time/);
});

test('a bad token is refused in pre-flight with what to do', async () => {
  const client = new CloudClient({ baseUrl: w.h.cp.apiUrl, token: 'not-the-token' });
  await expectFailure(() => launchGateway(w.ctx({ client })), 'preflight', /refused the token of profile "local".*restart it/);
});

test('a host port in use is named, before anything is created', async () => {
  const busy = await occupyPort();
  try {
    const profile = { ...w.profile, ports: { ...w.profile.ports, proxyHttp: busy.port } };
    await expectFailure(() => launchGateway(w.ctx({ profile })), 'preflight', new RegExp(`Port ${busy.port} on 127\\.0\\.0\\.1 is in use by another process`));
  } finally {
    await busy.close();
  }
});

test('a missing image fails the image stage and rolls back the new certificate and files', async () => {
  const image = '127.0.0.1:5000/gateway-tray/no-such-image:missing';
  const err = await expectFailure(() => launchGateway(w.ctx(), { image }), 'image', /no-such-image:missing was not found in its registry: check the name and tag/);
  assert.ok(!err.message.includes('PRIVATE KEY'));
  assert.ok(existsSync(join(tlsDir, 'tls.key')));
});

test('a gateway that dies before registering fails with its log tail, and is removed', async () => {
  // A Fake: the real control plane, except that its template names a port nothing listens on (the real one
  // cannot be made to hand out a bad template on demand). The bridge check is skipped to get that far.
  const client = new CloudClient({ baseUrl: w.h.cp.apiUrl, token: w.h.token });
  const FakeBrokenTemplateClient = Object.assign(Object.create(client) as CloudClient, {
    startupTemplate: async (cluster: string) => (await client.startupTemplate(cluster)).replace(`:${w.dpPort}`, ':1'),
  });
  const err = await expectFailure(() => launchGateway(w.ctx({ client: FakeBrokenTemplateClient, platform: 'darwin' }), { registerTimeoutMs: 30_000 }), 'register', /stopped before it registered/);
  assert.ok(err.logTail.length > 0, 'the container log tail is quoted');
});
