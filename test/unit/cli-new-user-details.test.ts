/**
 * The CLI details a new user tripped on: --version, `profiles add` checks the name, an existing profile
 * and the URL before any token is read, and `launch` says when it adopted a gateway with another image.
 * The profile checks would block on stdin if they came after the token read; they must answer first.
 */
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adoptionNotes } from '../../src/cli/commands/launch.ts';
import { runCli } from '../../src/cli/run-cli.ts';
import { captureIO } from '../helpers/capture-io.ts';

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'gt-cli-details-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

test('--version prints the package version and exits 0', async () => {
  const io = captureIO();
  const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  assert.equal(await runCli(['--version'], io), 0);
  assert.equal(io.stdout(), `gateway-tray ${version}`);
});

test('profiles add refuses a bad name before it reads a token', async () => {
  const io = captureIO({ GATEWAY_TRAY_HOME: home });
  assert.equal(await runCli(['profiles', 'add', 'Team_1', '--cloud', '--url', 'https://cp.example.com', '--token-stdin'], io), 2);
  assert.match(io.stderr(), /"Team_1" is not a profile name: use 1 to 32 lowercase letters/);
});

test('profiles add --url "not a url" says the URL is invalid, not that the token was refused', async () => {
  const io = captureIO({ GATEWAY_TRAY_HOME: home });
  assert.equal(await runCli(['profiles', 'add', 'team', '--cloud', '--url', 'not a url', '--token-stdin'], io), 2);
  assert.match(io.stderr(), /--url not a url: not a URL/);
  assert.doesNotMatch(io.stderr(), /token/);
});

test('profiles add of an existing name says its ports and image stay, before any token is read', async () => {
  const io = captureIO({ GATEWAY_TRAY_HOME: home });
  assert.equal(await runCli(['profiles', 'add', 'edge', '--http-port', '19080', '--https-port', '19443', '--control-port', '19090', '--prometheus-port', '19091'], io), 0);
  assert.equal(await runCli(['profiles', 'add', 'edge', '--http-port', '29080'], io), 2);
  assert.match(io.stderr(), /a profile named "edge" already exists; its ports and image stay as they are/);
  const list = captureIO({ GATEWAY_TRAY_HOME: home });
  await runCli(['profiles', 'list'], list);
  assert.match(list.stdout(), /edge .* ports 19080\/19443\/19090\/19091/);
});

test('launch notes an adopted gateway that runs another image than the one asked for', () => {
  assert.deepEqual(adoptionNotes({ adopted: false, image: 'a:1' }, 'b:2', 'a:1'), []);
  assert.deepEqual(adoptionNotes({ adopted: true, image: 'a:1' }, undefined, 'a:1'), []);
  const [note] = adoptionNotes({ adopted: true, image: 'a:1' }, 'b:2', 'a:1');
  assert.match(note ?? '', /The running gateway uses a:1, not b:2: it was adopted as it is\. To run b:2, stop it/);
});
