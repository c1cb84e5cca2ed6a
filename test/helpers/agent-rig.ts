import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type Docker from 'dockerode';
import type { GatewayInstance } from '../../src/core/cloud/types.ts';
import { startHarness, type Harness } from './control-plane.ts';
import { ensureStandinImage, removeContainersByLabel, TEST_LABEL, testDocker, testRunId } from './docker.ts';
import { bridgeGatewayAddress, createTestNetwork, startStandinGateway, type StandinGateway, type StandinRuntime } from './standin-gateway.ts';

export type RigInstance = GatewayInstance & {
  metrics?: { requests_by_status?: Record<string, number> } | null;
  config_watch_open?: boolean;
};

/**
 * What the agent's integration tests share: a real etcd and control plane (listening on loopback and on
 * the Docker bridge), an upstream only containers of this test reach, a Docker network of the test's own
 * (see createTestNetwork), and helpers to start stand-in gateways on it.
 */
export interface AgentRig {
  docker: Docker;
  h: Harness;
  run: string;
  clusterId: string;
  bridge: string;
  upstreamPort: number;
  /** What the upstream answers: `<token> <path>`. */
  token: string;
  network: string;
  startGateway(opts?: Partial<Parameters<typeof startStandinGateway>[1]>): Promise<StandinGateway>;
  instance(gw: StandinGateway): Promise<RigInstance>;
  get(gw: StandinGateway, path: string): Promise<{ status: number; body: string }>;
  /** A route to the upstream under `/<id>/*`, put through the management API. */
  putRoute(id: string, more?: Record<string, unknown>): Promise<void>;
  cleanup(): Promise<void>;
}

export async function startAgentRig(prefix: string, runtime: StandinRuntime = 'apisix-runtime'): Promise<AgentRig> {
  const run = testRunId(prefix);
  const docker = await testDocker();
  await ensureStandinImage(docker);
  const bridge = await bridgeGatewayAddress(docker);
  const token = randomUUID();
  const upstream: Server = createServer((req, res) => {
    res.setHeader('content-type', 'text/plain');
    res.end(`${token} ${req.url}`);
  });
  await new Promise<void>((resolve) => upstream.listen(0, bridge, resolve));
  const h = await startHarness({ dpListen: [{ host: '127.0.0.1', port: 0 }, { host: bridge, port: 0 }] });
  const gateways: StandinGateway[] = [];
  let network: Awaited<ReturnType<typeof createTestNetwork>> | undefined;
  const cleanup = async () => {
    for (const gw of gateways) await gw.remove();
    await removeContainersByLabel(docker, TEST_LABEL, run).catch(() => undefined);
    await network?.remove();
    await h.cleanup();
    await new Promise<void>((resolve) => upstream.close(() => resolve()));
  };
  try {
    const me = await h.client.me();
    const clusterId = (await h.client.clusters(me.org_ids[0] ?? ''))[0]?.id;
    if (!clusterId) throw new Error('the control plane has no default cluster');
    network = await createTestNetwork(docker, run);
    const upstreamPort = (upstream.address() as { port: number }).port;
    const rig: AgentRig = {
      docker,
      h,
      run,
      clusterId,
      bridge,
      upstreamPort,
      token,
      network: network.name,
      async startGateway(opts = {}) {
        const gw = await startStandinGateway(docker, {
          client: h.client,
          clusterId,
          instanceId: randomUUID(),
          runLabel: run,
          network: network?.name,
          runtime,
          ...opts,
        });
        gateways.push(gw);
        return gw;
      },
      instance: (gw) => h.client.instance(clusterId, gw.instanceId) as Promise<RigInstance>,
      async get(gw, path) {
        const res = await fetch(`http://127.0.0.1:${gw.ports.proxy}${path}`, { signal: AbortSignal.timeout(5000) });
        return { status: res.status, body: await res.text() };
      },
      async putRoute(id, more = {}) {
        await h.client.putRoute(clusterId, id, {
          uri: `/${id}/*`,
          upstream: { type: 'roundrobin', nodes: { [`host.docker.internal:${upstreamPort}`]: 1 } },
          ...more,
        });
      },
      cleanup,
    };
    return rig;
  } catch (err) {
    await cleanup();
    throw err;
  }
}
