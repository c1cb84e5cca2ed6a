import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseListen } from '../../src/cli/commands/control-plane.ts';
import { runCli } from '../../src/cli/run-cli.ts';
import { UsageError } from '../../src/cli/command.ts';
import { parseDuration } from '../../src/control-plane/duration.ts';
import { clientCertLifetimeFromEnv, parseClientCertLifetime } from '../../src/control-plane/client-cert-lifetime.ts';
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
    [['--etcd', 'https://127.0.0.1:2379'], /an https:\/\/ --etcd needs --etcd-ca, --etcd-cert and --etcd-key/],
    [['--etcd', 'ftp://127.0.0.1:2379'], /http:\/\/ or https:\/\//],
    [['--etcd', 'http://127.0.0.1:2379', '--etcd-ca', '/x'], /go together/],
    [['--etcd', 'https://127.0.0.1:2379', '--etcd-ca', '/nonexistent-ca', '--etcd-cert', '/x', '--etcd-key', '/y'], /--etcd-ca: cannot read \/nonexistent-ca/],
    [['--client-cert-lifetime', 'soon'], /--client-cert-lifetime expects a duration from 1m to 3650d/],
    [['--client-cert-lifetime', '30s'], /--client-cert-lifetime expects a duration from 1m to 3650d, like 2m or 90d, got "30s"/],
    [['--client-cert-lifetime', '4000d'], /--client-cert-lifetime expects/],
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

test('client certificate lifetimes: 2m and 90d pass; the env var is read and checked the same way', () => {
  assert.equal(parseClientCertLifetime('2m'), 120_000);
  assert.equal(parseClientCertLifetime('90d'), 90 * 86_400_000);
  assert.deepEqual(clientCertLifetimeFromEnv({ GATEWAY_TRAY_CLIENT_CERT_LIFETIME: '3m' }), { clientCertLifetimeMs: 180_000 });
  assert.deepEqual(clientCertLifetimeFromEnv({}), {});
  assert.throws(() => clientCertLifetimeFromEnv({ GATEWAY_TRAY_CLIENT_CERT_LIFETIME: '5s' }), /GATEWAY_TRAY_CLIENT_CERT_LIFETIME expects a duration/);
});

test('a bad GATEWAY_TRAY_CLIENT_CERT_LIFETIME stops the command with exit 2, naming the variable', async () => {
  const io = captureIO({ GATEWAY_TRAY_HOME: '/nonexistent-gt-home', GATEWAY_TRAY_CLIENT_CERT_LIFETIME: 'forever' });
  assert.equal(await runCli(['control-plane'], io), 2);
  assert.match(io.stderr(), /GATEWAY_TRAY_CLIENT_CERT_LIFETIME expects a duration/);
});

test('control-plane --help shows its usage', async () => {
  const io = captureIO();
  assert.equal(await runCli(['control-plane', '--help'], io), 0);
  assert.match(io.stdout(), /--data-dir D/);
});
