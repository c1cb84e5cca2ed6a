import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequestOf, gatewayContainerSpecSchema } from '../../src/core/engine/containers.ts';
import { firstHost } from '../../src/core/gateway/bridge-gateway.ts';
import { bundleDigest, gatewayContainerSpec, portBindings } from '../../src/core/gateway/container-spec.ts';
import { userFromPasswd } from '../../src/core/gateway/gateway-user.ts';
import { containerNameFor, instancePaths } from '../../src/core/gateway/paths.ts';
import { moduleMounts } from '../../src/core/module/choose-module.ts';

const ID = '3f2a0b1c-1111-4222-8333-944445555666';
const BUNDLE = { certificate: 'CERT', caCertificate: 'CA' };

test('proxy ports on loopback by default, control and prometheus on loopback always', () => {
  const ports = { http: 19080, https: 19443, control: 19090, prometheus: 19091 };
  assert.deepEqual(portBindings(ports), [
    { containerPort: 9080, hostPort: 19080, hostIp: '127.0.0.1' },
    { containerPort: 9443, hostPort: 19443, hostIp: '127.0.0.1' },
    { containerPort: 9090, hostPort: 19090, hostIp: '127.0.0.1' },
    { containerPort: 9091, hostPort: 19091, hostIp: '127.0.0.1' },
  ]);
  const exposed = portBindings(ports, '0.0.0.0');
  assert.deepEqual(exposed.map((b) => b.hostIp), ['0.0.0.0', '0.0.0.0', '127.0.0.1', '127.0.0.1']);
});

test('the spec mounts config, id and agent read-only, labels the instance and its module, and adds host.docker.internal on Linux', () => {
  const paths = instancePaths('/home/u/.gateway-tray', 'local', 'default');
  assert.equal(paths.configFile, '/home/u/.gateway-tray/instances/local/default/config.yaml');
  assert.equal(paths.uidFile, '/home/u/.gateway-tray/instances/local/default/apisix.uid');
  const spec = gatewayContainerSpec({
    image: 'apache/apisix:3.13.0-debian',
    profile: 'local',
    instanceName: 'default',
    instanceId: ID,
    containerName: containerNameFor('local', 'default', ID),
    paths,
    moduleMounts: moduleMounts('open-agent', '/opt/gt/assets/agent'),
    module: 'open-agent',
    bindings: portBindings({ http: 1, https: 2, control: 3, prometheus: 4 }),
    bundle: BUNDLE,
    labels: { 'io.gateway-tray.test-run': 'x' },
  });
  const req = createRequestOf(gatewayContainerSpecSchema.parse(spec), 'linux');
  assert.equal(req.name, 'gateway-tray-local-default-3f2a0b1c');
  assert.deepEqual(req.HostConfig?.Binds, [
    '/home/u/.gateway-tray/instances/local/default/config.yaml:/usr/local/apisix/conf/config.yaml:ro',
    '/home/u/.gateway-tray/instances/local/default/apisix.uid:/usr/local/apisix/conf/apisix.uid:ro',
    '/opt/gt/assets/agent:/cloud_lua_module:ro',
  ]);
  assert.deepEqual(req.HostConfig?.ExtraHosts, ['host.docker.internal:host-gateway']);
  // Back after a Docker restart or a reboot, but a stop by the app stays a stop.
  assert.deepEqual(req.HostConfig?.RestartPolicy, { Name: 'unless-stopped' });
  assert.equal(req.Labels?.['io.gateway-tray.instance-id'], ID);
  assert.equal(req.Labels?.['io.gateway-tray.instance-name'], 'default');
  assert.equal(req.Labels?.['io.gateway-tray.test-run'], 'x');
  assert.equal(req.Labels?.['io.gateway-tray.module'], 'open-agent');
  assert.equal(req.Labels?.['io.gateway-tray.tls-bundle'], bundleDigest(BUNDLE));
  assert.ok(!JSON.stringify(req).includes('tls.key'), 'the key is never bind-mounted');
});

test("API7's module is mounted as cloud-cli mounts it: the folder, and its two apisix/cli overrides, all read-only", () => {
  const dir = '/home/u/.gateway-tray/modules/ab12/cloud_lua_module_beta';
  const spec = gatewayContainerSpec({
    image: 'apache/apisix:3.13.0-debian',
    profile: 'team',
    instanceName: 'default',
    instanceId: ID,
    containerName: containerNameFor('team', 'default', ID),
    paths: instancePaths('/home/u/.gateway-tray', 'team', 'default'),
    moduleMounts: moduleMounts('api7', dir),
    module: 'api7',
    bindings: [],
    bundle: BUNDLE,
  });
  const req = createRequestOf(gatewayContainerSpecSchema.parse(spec), 'linux');
  assert.deepEqual(req.HostConfig?.Binds?.slice(2), [
    `${dir}:/cloud_lua_module:ro`,
    `${dir}/apisix/cli/etcd.ljbc:/usr/local/apisix/apisix/cli/etcd.lua:ro`,
    `${dir}/apisix/cli/local_storage.ljbc:/usr/local/apisix/apisix/cli/local_storage.lua:ro`,
  ]);
  assert.equal(req.Labels?.['io.gateway-tray.module'], 'api7');
});

test("the gateway's user is read from /etc/passwd", () => {
  const passwd = 'root:x:0:0:root:/root:/bin/bash\napisix:x:636:636::/usr/local/apisix:/usr/sbin/nologin\n';
  assert.deepEqual(userFromPasswd(passwd), { uid: 636, gid: 636 });
  assert.deepEqual(userFromPasswd('apisix:x:1001:1002::/:/bin/sh'), { uid: 1001, gid: 1002 });
  assert.equal(userFromPasswd('root:x:0:0::/:/bin/sh'), undefined);
  assert.equal(userFromPasswd('apisix:x:abc:636::/:/bin/sh'), undefined);
});

test("the bridge gateway is the subnet's first host address", () => {
  assert.equal(firstHost('172.17.0.0/16'), '172.17.0.1');
  assert.equal(firstHost('10.1.2.128/25'), '10.1.2.129');
  assert.equal(firstHost('fd00::/64'), undefined);
  assert.equal(firstHost('10.0.0.0/31'), undefined);
});
