/**
 * Port checks for the ports step and Settings, against real sockets: a port some process listens on,
 * a port another profile's running gateway publishes (as Docker lists it), the profile's own, and the
 * next free port offered instead. The published-port reading maps container ports to roles.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { checkPortAvailability, nextFreePort } from '../../src/core/app/port-availability.ts';
import { publishedGatewayPorts } from '../../src/core/app/published-ports.ts';
import type { ContainerInfo } from '../../src/core/engine/types.ts';

async function listen(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as { port: number }).port };
}

async function freePort(): Promise<number> {
  const { server, port } = await listen();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const gateway = (profile: string, http: number): ContainerInfo => ({
  id: `id-${profile}`,
  name: `gateway-tray-${profile}`,
  image: 'x',
  status: 'running',
  running: true,
  labels: {},
  profile,
  ports: [{ containerPort: 9080, protocol: 'tcp', hostPort: http, hostIp: '127.0.0.1' }],
});

test('publishedGatewayPorts names each role by its container port', () => {
  const ports = publishedGatewayPorts({
    ports: [
      { containerPort: 9080, hostPort: 18080 },
      { containerPort: 9443, protocol: 'tcp', hostPort: 18443 },
      { containerPort: 9090, hostPort: 18090 },
      { containerPort: 9091, hostPort: 18091 },
      { containerPort: 9091, protocol: 'udp', hostPort: 1 },
    ],
  });
  assert.deepEqual(ports, { http: 18080, https: 18443, control: 18090, prometheus: 18091 });
});

test('each port is free, held by a process, by another profile, or by the profile itself; busy ones get a free suggestion', async () => {
  const squatter = await listen();
  try {
    const [free, other, own] = [await freePort(), await freePort(), await freePort()];
    const running = [gateway('team', other), gateway('local', own)];
    const r = await checkPortAvailability('local', { proxyHttp: squatter.port, proxyHttps: other, control: own, prometheus: free }, running);
    assert.equal(r.proxyHttp.state, 'process');
    assert.deepEqual({ state: r.proxyHttps.state, profile: (r.proxyHttps as { profile?: string }).profile }, { state: 'profile', profile: 'team' });
    assert.equal(r.control.state, 'own');
    assert.equal(r.prometheus.state, 'free');
    assert.equal(r.prometheus.suggestion, undefined);
    const suggestions = [r.proxyHttp.suggestion, r.proxyHttps.suggestion];
    for (const s of suggestions) {
      assert.ok(s !== undefined && s > 1024);
      assert.ok(![squatter.port, other, own, free].includes(s), 'a suggestion is none of the ports asked for');
    }
    assert.notEqual(suggestions[0], suggestions[1], 'two busy ports get two different suggestions');
  } finally {
    await new Promise<void>((resolve) => squatter.server.close(() => resolve()));
  }
});

test('nextFreePort skips a port in use and the ones to avoid', async () => {
  const a = await listen();
  try {
    const next = await nextFreePort(a.port - 1, new Set([a.port + 1]));
    assert.ok(next !== undefined && next !== a.port && next !== a.port + 1 && next > a.port - 1);
  } finally {
    await new Promise<void>((resolve) => a.server.close(() => resolve()));
  }
});
