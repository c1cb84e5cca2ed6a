/**
 * `profiles remove` remembers the removed profile as the app does (one file, one code path:
 * ProfileActions), and `profiles add` of that name starts from its ports and image, says so on stderr,
 * lets flags win, and takes the defaults with --defaults. Docker is pointed at a socket that does not
 * exist: only the remembered settings count here (the container case is in test/integration).
 */
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/run-cli.ts';
import { ProfileActions } from '../../src/core/app/profiles.ts';
import { RemovedProfiles } from '../../src/core/app/removed-profiles.ts';
import { FileSecretStore } from '../../src/core/credentials/file-secret-store.ts';
import { ProfileStore } from '../../src/core/credentials/profile-store.ts';
import { captureIO } from '../helpers/capture-io.ts';

let home: string;
const env = () => ({ GATEWAY_TRAY_HOME: home, DOCKER_HOST: 'unix:///nonexistent/docker.sock', PATH: process.env.PATH });
const PORT_FLAGS = ['--http-port', '19080', '--https-port', '19443', '--control-port', '19090', '--prometheus-port', '19091'];
const IMAGE = '127.0.0.1:5000/mirror/apisix:3';

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'gt-cli-recall-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

async function cli(args: string[]) {
  const io = captureIO(env());
  const code = await runCli(args, io);
  return { code, out: io.stdout(), err: io.stderr() };
}

async function addAndRemoveEdge(): Promise<void> {
  assert.equal((await cli(['profiles', 'add', 'edge', ...PORT_FLAGS, '--image', IMAGE, '--module', 'open-agent'])).code, 0);
  const removed = await cli(['profiles', 'remove', 'edge']);
  assert.equal(removed.code, 0, removed.err);
}

test('profiles remove remembers the profile (never a token), and add of that name starts from its ports and image, saying so', async () => {
  await addAndRemoveEdge();
  const memory = new RemovedProfiles(home).get('edge');
  assert.deepEqual(memory?.ports, { proxyHttp: 19080, proxyHttps: 19443, control: 19090, prometheus: 19091 }, 'remembered in the file the app reads');
  assert.equal(memory?.image, IMAGE);

  const again = await cli(['profiles', 'add', 'edge']);
  assert.equal(again.code, 0, again.err);
  assert.match(again.err, /^Profile "edge" starts from the profile of that name removed at \d{4}-\d\d-\d\dT[\d:.]+Z: ports 19080\/19443\/19090\/19091, image 127\.0\.0\.1:5000\/mirror\/apisix:3, module open-agent \(flags given still win\)\. Add --defaults to start from the defaults instead\.$/m);
  assert.equal(again.out, 'Added profile "edge".', 'stdout keeps its one line');
  const p = new ProfileStore({ home }).get('edge');
  assert.deepEqual(p.ports, { proxyHttp: 19080, proxyHttps: 19443, control: 19090, prometheus: 19091 });
  assert.equal(p.image, IMAGE);
  assert.equal(p.module, 'open-agent');
  assert.equal(new RemovedProfiles(home).get('edge'), undefined, 'forgotten once the profile exists again');
});

test('flags given win over the recalled settings, one by one', async () => {
  await addAndRemoveEdge();
  const again = await cli(['profiles', 'add', 'edge', '--http-port', '29080', '--image', 'other:1']);
  assert.equal(again.code, 0, again.err);
  const p = new ProfileStore({ home }).get('edge');
  assert.deepEqual(p.ports, { proxyHttp: 29080, proxyHttps: 19443, control: 19090, prometheus: 19091 });
  assert.equal(p.image, 'other:1');
});

test('--defaults takes the defaults instead, and says nothing about the old profile', async () => {
  await addAndRemoveEdge();
  const fresh = await cli(['profiles', 'add', 'edge', '--defaults']);
  assert.equal(fresh.code, 0, fresh.err);
  assert.doesNotMatch(fresh.err, /starts from/);
  const p = new ProfileStore({ home }).get('edge');
  assert.deepEqual(p.ports, { proxyHttp: 9080, proxyHttps: 9443, control: 9090, prometheus: 9091 });
  assert.equal(p.image, 'apache/apisix:3.13.0-debian');
  assert.equal(p.module, 'auto');
});

test('a new name starts from the defaults with no note; one removed in the app is recalled by the CLI, and back', async () => {
  const fresh = await cli(['profiles', 'add', 'never-was']);
  assert.equal(fresh.code, 0);
  assert.doesNotMatch(fresh.err, /starts from/);

  // Removed through the app's actions (as the window does), re-added with the CLI.
  const app = new ProfileActions(() => new ProfileStore({ home }), new FileSecretStore({ home }), new RemovedProfiles(home));
  await app.add({ name: 'shared', kind: 'local', ports: { proxyHttp: 39080, proxyHttps: 39443, control: 39090, prometheus: 39091 } });
  await app.remove('shared');
  assert.equal((await cli(['profiles', 'add', 'shared'])).code, 0);
  assert.equal(new ProfileStore({ home }).get('shared').ports.proxyHttp, 39080);

  // Removed with the CLI, recalled by the app's form.
  assert.equal((await cli(['profiles', 'remove', 'shared'])).code, 0);
  assert.equal(app.recall('shared', []).recalled?.ports.proxyHttp, 39080);
  assert.doesNotMatch(readFileSync(join(home, 'removed-profiles.json'), 'utf8'), /token/i);
});
