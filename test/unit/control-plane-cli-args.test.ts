import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseListen } from '../../src/cli/commands/control-plane.ts';
import { runCli } from '../../src/cli/run-cli.ts';
import { UsageError } from '../../src/cli/command.ts';
import { parseDuration } from '../../src/control-plane/duration.ts';
import { captureIO } from '../helpers/capture-io.ts';

test('durations parse in ms, s, m, h, d and combinations', () => {
  assert.equal(parseDuration('500ms'), 500);
  assert.equal(parseDuration('30s'), 30_000);
  assert.equal(parseDuration('1h30m'), 5_400_000);
  assert.equal(parseDuration('7d'), 604_800_000);
  for (const bad of ['', '30', 's', '-1s', '0s', '1 s', '1y']) assert.equal(parseDuration(bad), undefined, bad);
});

test('listen addresses parse as HOST:PORT, with IPv6 in brackets', () => {
  assert.deepEqual(parseListen('--x', '127.0.0.1:7080'), { host: '127.0.0.1', port: 7080 });
  assert.deepEqual(parseListen('--x', '[::1]:0'), { host: '::1', port: 0 });
  for (const bad of ['7080', 'host:', ':80', '1.2.3.4:99999', 'a b:1']) assert.throws(() => parseListen('--x', bad), UsageError, bad);
});

test('bad flags exit 2 with a message that names the flag', async () => {
  const cases: Array<[string[], RegExp]> = [
    [['--bogus'], /bogus/],
    [['--api-listen', 'nope'], /--api-listen expects HOST:PORT/],
    [['--etcd', 'not a url'], /--etcd expects a URL/],
    [['--etcd', 'https://127.0.0.1:2379'], /http:\/\//],
    [['--lost-after', 'soon'], /--lost-after expects a duration/],
    [['--lost-after', '10m', '--offline-after', '5m'], /longer than --lost-after/],
    [['positional'], /positional/i],
  ];
  for (const [args, message] of cases) {
    const io = captureIO({ GATEWAY_TRAY_HOME: '/nonexistent-gt-home' });
    assert.equal(await runCli(['control-plane', ...args], io), 2, args.join(' '));
    assert.match(io.stderr(), message);
  }
});

test('control-plane --help shows its usage', async () => {
  const io = captureIO();
  assert.equal(await runCli(['control-plane', '--help'], io), 0);
  assert.match(io.stdout(), /--data-dir D/);
});
