import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../src/cli/run-cli.ts';
import { gatewayTrayHome } from '../../src/core/config/home.ts';
import { captureIO } from '../helpers/capture-io.ts';

test('--help lists the commands and exits 0', async () => {
  const io = captureIO();
  assert.equal(await runCli(['--help'], io), 0);
  assert.match(io.stdout(), /Usage: gateway-tray <command>/);
});

test('no command prints help and exits 2', async () => {
  const io = captureIO();
  assert.equal(await runCli([], io), 2);
  assert.match(io.stdout(), /Commands:/);
});

test('an unknown command names itself and exits 2', async () => {
  const io = captureIO();
  assert.equal(await runCli(['frobnicate'], io), 2);
  assert.match(io.stderr(), /unknown command 'frobnicate'/);
});

test('GATEWAY_TRAY_HOME overrides the data folder', () => {
  assert.equal(gatewayTrayHome({ GATEWAY_TRAY_HOME: '/tmp/x' }), '/tmp/x');
  assert.match(gatewayTrayHome({}), /\.gateway-tray$/);
});

test('each command loads on demand, with the name and summary that --help lists', async () => {
  const { commands } = await import('../../src/cli/commands/index.ts');
  for (const entry of commands) {
    const command = await entry.load();
    assert.equal(command.name, entry.name);
    assert.equal(command.summary, entry.summary, `the summary of '${entry.name}' in commands/index.ts differs from its own`);
    assert.match(command.usage, new RegExp(`gateway-tray ${entry.name}`));
  }
});

test('a command --help prints its usage', async () => {
  const io = captureIO();
  assert.equal(await runCli(['launch', '--help'], io), 0);
  assert.match(io.stdout(), /Usage: gateway-tray launch/);
});
