import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequestOf, gatewayContainerSpecSchema } from '../../src/core/engine/containers.ts';
import { toContainerInfo } from '../../src/core/engine/container-info.ts';
import { parseDockerEvent, JsonLineSplitter } from '../../src/core/engine/events.ts';
import { portConflictFrom } from '../../src/core/engine/port-check.ts';
import { dockerMessage } from '../../src/core/engine/errors.ts';

const spec = gatewayContainerSpecSchema.parse({
  image: 'apache/apisix:3.13.0-debian',
  instanceId: 'i-1',
  profile: 'local',
  env: { A: '1' },
  user: '636',
  binds: [
    { hostPath: '/h/config.yaml', containerPath: '/usr/local/apisix/conf/config.yaml', readOnly: true },
    { hostPath: '/h/data', containerPath: '/data' },
  ],
  ports: [
    { containerPort: 9080, hostPort: 9080 },
    { containerPort: 9090, hostPort: 19090, hostIp: '127.0.0.1' },
  ],
  labels: { 'io.gateway-tray.managed': 'false', extra: 'x' },
});

test('the create request carries binds (read-only where asked), ports with host IPs, labels, env and user', () => {
  const req = createRequestOf(spec, 'linux');
  assert.equal(req.User, '636');
  assert.deepEqual(req.Env, ['A=1']);
  assert.deepEqual(req.Labels, {
    extra: 'x',
    'io.gateway-tray.managed': 'true',
    'io.gateway-tray.instance-id': 'i-1',
    'io.gateway-tray.profile': 'local',
  });
  assert.deepEqual(req.ExposedPorts, { '9080/tcp': {}, '9090/tcp': {} });
  assert.deepEqual(req.HostConfig?.Binds, ['/h/config.yaml:/usr/local/apisix/conf/config.yaml:ro', '/h/data:/data']);
  assert.deepEqual(req.HostConfig?.PortBindings, {
    '9080/tcp': [{ HostPort: '9080' }],
    '9090/tcp': [{ HostPort: '19090', HostIp: '127.0.0.1' }],
  });
  assert.deepEqual(req.HostConfig?.ExtraHosts, ['host.docker.internal:host-gateway']);
  assert.equal(createRequestOf(spec, 'darwin').HostConfig?.ExtraHosts, undefined, 'Docker Desktop defines the name itself');
});

test('a spec with a bad port or host IP is refused before Docker sees it', () => {
  assert.throws(() => gatewayContainerSpecSchema.parse({ image: 'x', instanceId: 'i', profile: 'p', ports: [{ containerPort: 9080, hostPort: 70000 }] }));
  assert.throws(() => gatewayContainerSpecSchema.parse({ image: 'x', instanceId: 'i', profile: 'p', ports: [{ containerPort: 1, hostPort: 1, hostIp: 'localhost' }] }));
});

test('inspect output becomes ContainerInfo with our labels decoded', () => {
  const info = toContainerInfo({
    Id: 'abc',
    Name: '/gw',
    Config: { Image: 'img', Labels: { 'io.gateway-tray.managed': 'true', 'io.gateway-tray.instance-id': 'i-1', 'io.gateway-tray.profile': 'p' } },
    State: { Status: 'exited', Running: false, ExitCode: 137, StartedAt: '2026-11-27T10:00:00.5Z', OOMKilled: true },
    HostConfig: { PortBindings: { '9090/tcp': [{ HostIp: '127.0.0.1', HostPort: '19090' }], '9443/tcp': null } },
  });
  assert.deepEqual(info, {
    id: 'abc',
    name: 'gw',
    image: 'img',
    status: 'exited',
    running: false,
    exitCode: 137,
    startedAt: Date.parse('2026-11-27T10:00:00.5Z'),
    oomKilled: true,
    labels: { 'io.gateway-tray.managed': 'true', 'io.gateway-tray.instance-id': 'i-1', 'io.gateway-tray.profile': 'p' },
    instanceId: 'i-1',
    profile: 'p',
    ports: [{ containerPort: 9090, protocol: 'tcp', hostPort: 19090, hostIp: '127.0.0.1' }],
  });
  assert.throws(() => toContainerInfo({ nope: true }), /cannot read/);
});

test('a container that never started has no start time', () => {
  const info = toContainerInfo({ Id: 'c', Config: {}, State: { Status: 'created', Running: false, StartedAt: '0001-01-01T00:00:00Z' } });
  assert.equal(info.startedAt, undefined);
  assert.equal(info.oomKilled, undefined);
});

test('container events are typed with our labels; other events pass through', () => {
  const ev = parseDockerEvent({
    Type: 'container',
    Action: 'die',
    Actor: { ID: 'c1', Attributes: { name: 'gw', image: 'img', exitCode: '1', 'io.gateway-tray.managed': 'true', 'io.gateway-tray.profile': 'p' } },
    time: 1700000000,
    timeNano: 1700000000123456000,
  });
  assert.deepEqual(ev, {
    type: 'container',
    action: 'die',
    containerId: 'c1',
    name: 'gw',
    image: 'img',
    labels: { 'io.gateway-tray.managed': 'true', 'io.gateway-tray.profile': 'p' },
    managed: true,
    profile: 'p',
    exitCode: 1,
    time: new Date(1700000000123),
  });
  const exec = parseDockerEvent({ Type: 'container', Action: 'exec_start: sh -c true', Actor: { ID: 'c1', Attributes: {} }, time: 1 });
  assert.equal(exec?.type === 'container' && exec.action, 'exec_start');
  assert.deepEqual(parseDockerEvent({ Type: 'volume', Action: 'create', Actor: { ID: 'v', Attributes: { driver: 'local' } }, time: 2 }), {
    type: 'volume',
    action: 'create',
    actorId: 'v',
    attributes: { driver: 'local' },
    time: new Date(2000),
  });
  assert.equal(parseDockerEvent({ hello: 1 }), undefined);
  assert.equal(parseDockerEvent({ Type: 'future-thing', Action: 'x', time: 1 }), undefined);
});

test('the event stream splitter joins split lines and drops garbage', () => {
  const s = new JsonLineSplitter();
  assert.deepEqual(s.push('{"a":1}\n{"b"'), [{ a: 1 }]);
  assert.deepEqual(s.push(':2}\nnot json\n\n'), [{ b: 2 }]);
});

test("Docker's port conflict messages name the port", () => {
  assert.deepEqual(portConflictFrom('driver failed programming external connectivity on endpoint x: Bind for 127.0.0.1:9080 failed: port is already allocated'), {
    port: 9080,
    hostIp: '127.0.0.1',
  });
  assert.deepEqual(portConflictFrom('Error starting userland proxy: listen tcp4 0.0.0.0:9443: bind: address already in use'), { port: 9443, hostIp: '0.0.0.0' });
  assert.equal(portConflictFrom('No such image'), undefined);
});

test("docker-modem's HTTP prefix is taken off the daemon's message", () => {
  const err = Object.assign(new Error('(HTTP code 404) unexpected - manifest unknown '), { statusCode: 404, json: null });
  assert.equal(dockerMessage(err), 'manifest unknown');
  assert.equal(dockerMessage(Object.assign(new Error('x'), { json: { message: 'from json' } })), 'from json');
});
