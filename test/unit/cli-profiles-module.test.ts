import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../src/cli/command.ts';
import { moduleText } from '../../src/cli/commands/launch.ts';
import { profilesCommand } from '../../src/cli/commands/profiles.ts';
import { captureIO } from '../helpers/capture-io.ts';

let home: string;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'gt-cli-module-'));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const ports = (base: number) => ['--http-port', String(base), '--https-port', String(base + 1), '--control-port', String(base + 2), '--prometheus-port', String(base + 3)];

test('profiles add --module takes a keyword or a tarball URL, and list shows it', async () => {
  const io = captureIO({ GATEWAY_TRAY_HOME: home });
  assert.equal(await profilesCommand.run(['add', 'agent', '--module', 'open-agent', ...ports(20080)], io), 0);
  assert.equal(await profilesCommand.run(['add', 'mirror', '--module', 'http://127.0.0.1:8000/cloud_module_beta.tar.gz', ...ports(21080)], io), 0);
  assert.equal(await profilesCommand.run(['list'], io), 0);
  assert.match(io.stdout(), /^\* local .* module auto$/m);
  assert.match(io.stdout(), /^ {2}agent .* module open-agent$/m);
  assert.match(io.stdout(), /^ {2}mirror .* module http:\/\/127\.0\.0\.1:8000\/cloud_module_beta\.tar\.gz$/m);

  const json = captureIO({ GATEWAY_TRAY_HOME: home });
  await profilesCommand.run(['list', '--json'], json);
  const listed = JSON.parse(json.stdout()) as { profiles: Array<{ name: string; module: string }> };
  assert.deepEqual(listed.profiles.map((p) => [p.name, p.module]), [['agent', 'open-agent'], ['local', 'auto'], ['mirror', 'http://127.0.0.1:8000/cloud_module_beta.tar.gz']]);
});

test('a bad --module is refused naming the allowed values, and nothing is added', async () => {
  const io = captureIO({ GATEWAY_TRAY_HOME: home });
  for (const bad of ['cloud', 'ftp://x/m.tgz', 'API7']) {
    await assert.rejects(profilesCommand.run(['add', 'x', '--module', bad, ...ports(22080)], io), (e: unknown) => {
      assert.ok(e instanceof UsageError);
      assert.equal(e.message, `--module ${bad}: the module is one of auto, open-agent, api7, or the http(s) URL of a module tarball`);
      return true;
    });
  }
  await profilesCommand.run(['list', '--json'], io);
  assert.deepEqual((JSON.parse(io.stdout()) as { profiles: unknown[] }).profiles.length, 1);
  assert.match(profilesCommand.usage, /--module auto\|open-agent\|api7\|URL/);
});

test("launch says which module the gateway runs", () => {
  assert.equal(moduleText('api7'), "API7's Cloud Lua Module (api7)");
  assert.equal(moduleText('open-agent'), "Gateway Tray's open agent (open-agent)");
  assert.match(moduleText(undefined), /unknown/);
});
