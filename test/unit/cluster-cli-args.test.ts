import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../src/cli/run-cli.ts';
import { captureIO } from '../helpers/capture-io.ts';

const KEY = 'a long enough operator key for tests';

test('--cluster flags that do not go together exit 2 with a message that names them', async () => {
  const cases: Array<[string[], Record<string, string>, RegExp]> = [
    [['--etcd', 'http://127.0.0.1:1,http://127.0.0.1:2'], {}, /several --etcd URLs need --cluster/],
    [['--advertise', '127.0.0.1:7443'], {}, /--advertise, --cluster-key-file and --cluster-prefix need --cluster/],
    [['--cluster', '--etcd', 'http://127.0.0.1:1'], { GATEWAY_TRAY_CLUSTER_KEY: KEY }, /--cluster needs --advertise H:P/],
    [['--cluster', '--etcd', 'http://127.0.0.1:1', '--advertise', '127.0.0.1:7443'], {}, /--cluster-key-file F or GATEWAY_TRAY_CLUSTER_KEY/],
    [['--cluster', '--etcd', 'http://127.0.0.1:1', '--advertise', '127.0.0.1:7443'], { GATEWAY_TRAY_CLUSTER_KEY: 'short' }, /shorter than 16/],
    [['--cluster', '--etcd', 'http://127.0.0.1:1', '--advertise', 'nope'], { GATEWAY_TRAY_CLUSTER_KEY: KEY }, /--advertise expects HOST:PORT/],
    [['--cluster', '--etcd', 'http://127.0.0.1:1,ftp://x:2', '--advertise', '127.0.0.1:1'], { GATEWAY_TRAY_CLUSTER_KEY: KEY }, /http:\/\/ or https:\/\//],
    [['import', '--data-dir', '/nonexistent'], { GATEWAY_TRAY_CLUSTER_KEY: KEY }, /import needs --etcd/],
    [['import', '--etcd', 'http://127.0.0.1:1'], {}, /GATEWAY_TRAY_CLUSTER_KEY/],
  ];
  for (const [args, env, message] of cases) {
    const io = captureIO({ GATEWAY_TRAY_HOME: '/nonexistent-gt-home', ...env });
    assert.equal(await runCli(['control-plane', ...args], io), 2, args.join(' '));
    assert.match(io.stderr(), message, args.join(' '));
  }
});

test('a cluster prefix inside APISIX\'s folder is refused before anything is written', async () => {
  const { checkClusterPrefix } = await import('../../src/control-plane/cluster/keys.ts');
  assert.throws(() => checkClusterPrefix('/apisix/ours/'), /outside APISIX's \/apisix folder/);
  assert.throws(() => checkClusterPrefix('relative/'), /must start with \//);
  checkClusterPrefix('/gateway-tray-cluster/');
});
