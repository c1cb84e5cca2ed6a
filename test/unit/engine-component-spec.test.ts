import { test } from 'node:test';
import assert from 'node:assert/strict';
import { componentContainerSpecSchema, componentCreateRequestOf } from '../../src/core/engine/component-containers.ts';
import { LABEL_COMPONENT, LABEL_MANAGED } from '../../src/core/engine/labels.ts';

const base = { image: 'quay.io/coreos/etcd:v3.5.21', component: 'etcd' };

test('a component container carries its component label and never the gateway label', () => {
  const req = componentCreateRequestOf(componentContainerSpecSchema.parse({ ...base, labels: { [LABEL_MANAGED]: 'true', [LABEL_COMPONENT]: 'other', extra: 'x' } }));
  assert.deepEqual(req.Labels, { extra: 'x', [LABEL_COMPONENT]: 'etcd' });
});

test('named volumes, loopback ports, entrypoint, command and user map onto the create request', () => {
  const req = componentCreateRequestOf(
    componentContainerSpecSchema.parse({
      ...base,
      name: 'gateway-tray-etcd',
      entrypoint: ['etcd'],
      cmd: ['--name', 'x'],
      user: '636',
      volumes: [{ name: 'gateway-tray-etcd', containerPath: '/var/lib/etcd' }],
      ports: [{ containerPort: 2379, hostPort: 23790, hostIp: '127.0.0.1' }],
    }),
  );
  assert.equal(req.name, 'gateway-tray-etcd');
  assert.deepEqual(req.Entrypoint, ['etcd']);
  assert.deepEqual(req.Cmd, ['--name', 'x']);
  assert.equal(req.User, '636');
  assert.deepEqual(req.HostConfig?.Mounts, [{ Type: 'volume', Source: 'gateway-tray-etcd', Target: '/var/lib/etcd' }]);
  assert.deepEqual(req.HostConfig?.PortBindings, { '2379/tcp': [{ HostPort: '23790', HostIp: '127.0.0.1' }] });
  assert.deepEqual(req.ExposedPorts, { '2379/tcp': {} });
  assert.equal(req.HostConfig?.Binds, undefined, 'no host folder is mounted');
});

test('without entrypoint, command or user the image decides', () => {
  const req = componentCreateRequestOf(componentContainerSpecSchema.parse(base));
  assert.equal('Entrypoint' in req, false);
  assert.equal('Cmd' in req, false);
  assert.equal('User' in req, false);
});

test('bad volume names, relative mount paths and bad component names are refused', () => {
  assert.ok(!componentContainerSpecSchema.safeParse({ ...base, volumes: [{ name: '../x', containerPath: '/data' }] }).success);
  assert.ok(!componentContainerSpecSchema.safeParse({ ...base, volumes: [{ name: 'v1', containerPath: 'data' }] }).success);
  assert.ok(!componentContainerSpecSchema.safeParse({ ...base, component: 'Etcd=1' }).success);
});
