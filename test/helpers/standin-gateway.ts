import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { z } from 'zod';
import { readContainerFile } from '../../src/core/engine/archive.ts';
import { DockerEngine } from '../../src/core/engine/engine.ts';
import type { ControlPlaneClient } from '../../src/core/cloud/client.ts';
import { TlsBundle as CoreTlsBundle } from '../../src/core/credentials/tls-bundle.ts';
import { PACKAGED_AGENT_DIR } from '../../src/core/gateway/agent-dir.ts';
import { putTlsBundle } from '../../src/core/gateway/container.ts';
import { renderStartupTemplate } from '../../src/core/gateway/template.ts';
import { AGENT_STATUS_PATH } from '../../src/core/status/agent-status-source.ts';
import { STANDIN_IMAGE, TEST_DOCKER_SOCKET, TEST_LABEL } from './docker.ts';
import { waitFor } from './wait-for.ts';

export { bridgeGatewayAddress } from '../../src/core/gateway/bridge-gateway.ts';
export const STATUS_FILE = AGENT_STATUS_PATH;

/** The agent status file of PROTOCOL §5, strictly: every field must be there, unlike the app's lenient reader. */
export const AgentStatus = z.object({
  instance_id: z.string().nullable(),
  run_id: z.string().nullable(),
  registered_at: z.string().nullable(),
  last_attempt_at: z.string().nullable(),
  last_success_at: z.string().nullable(),
  consecutive_failures: z.number().int().min(0),
  last_error: z.string().nullable(),
  heartbeat_interval_s: z.number(),
});
export type AgentStatus = z.infer<typeof AgentStatus>;

/** The nginx-Lua runtimes the stand-in plays (test/fixtures/images/apisix-standin/README.md). */
export type StandinRuntime = 'apisix-runtime' | 'openresty';

export interface TlsBundle {
  certificate: string;
  private_key: string;
  ca_certificate: string;
}

export interface StandinGateway {
  containerId: string;
  instanceId: string;
  /** Host ports on 127.0.0.1. */
  ports: { proxy: number; status: number; prometheus: number };
  startedAtMs: number;
  /** Current state, for a container expected to stop by itself. */
  state(): Promise<{ running: boolean; exitCode: number }>;
  readStatus(): Promise<AgentStatus>;
  putBundle(bundle: TlsBundle): Promise<void>;
  logs(): Promise<string>;
  remove(): Promise<void>;
}

/** Waits for a gateway expected to give up by itself (a bad config, no config centre) to exit. */
export function waitUntilExited(gw: StandinGateway, timeoutMs = 45_000): Promise<{ running: boolean; exitCode: number }> {
  return waitFor(
    async () => {
      const s = await gw.state();
      return s.running ? undefined : s;
    },
    { timeoutMs, intervalMs: 200, what: 'the gateway to give up' },
  );
}

/**
 * A Docker network of the test's own for its gateways. On the default bridge, Linux gives docker0 the lowest
 * MAC of its attached ports, so any other container starting or stopping can change it; running containers
 * then keep a stale ARP entry for the host and lose it for about 5 s. A user-defined network has a fixed
 * MAC. Its containers still reach the control plane on the default bridge's gateway address, which is
 * where `host.docker.internal:host-gateway` points.
 */
export async function createTestNetwork(docker: Docker, runLabel: string): Promise<{ name: string; remove(): Promise<void> }> {
  const name = `gt-${runLabel}`;
  const network = await docker.createNetwork({ Name: name, Driver: 'bridge', Labels: { [TEST_LABEL]: runLabel } });
  return {
    name,
    remove: async () => {
      await network.remove().catch(() => undefined);
    },
  };
}

/** Puts a bundle (in the wire shape of gateway_certificate) into the container as the launch flow does. */
function putBundle(docker: Docker, id: string, b: TlsBundle): Promise<void> {
  const engine = new DockerEngine({ protocol: 'unix', url: `unix://${TEST_DOCKER_SOCKET}`, socketPath: TEST_DOCKER_SOCKET }, 'test', docker);
  return putTlsBundle(engine, id, new CoreTlsBundle({ certificate: b.certificate, privateKey: b.private_key, caCertificate: b.ca_certificate }), STANDIN_IMAGE);
}

/** The published host port, or 0 when the container has already exited (Docker then lists none). */
function hostPort(info: Docker.ContainerInspectInfo, port: string): number {
  const p = info.NetworkSettings.Ports?.[`${port}/tcp`]?.[0]?.HostPort;
  if (!p && info.State.Running) throw new Error(`container port ${port} is not published`);
  return Number(p ?? 0);
}

/**
 * Creates and starts a stand-in gateway laid out exactly as PROTOCOL §4 says: config.yaml (rendered from the
 * control plane's template), the agent folder and apisix.uid bind-mounted read-only, and the TLS bundle put
 * into the created container owned by uid 636 (key at 0600) before start. Ports go to 127.0.0.1 only.
 */
export async function startStandinGateway(
  docker: Docker,
  opts: {
    client: ControlPlaneClient;
    clusterId: string;
    instanceId: string;
    runLabel: string;
    bundle?: TlsBundle;
    /** A network from createTestNetwork; the default bridge when absent. */
    network?: string;
    /** Changes the rendered config.yaml, for tests of what the gateway does with a bad one. */
    editConfig?: (yaml: string) => string;
    /** The runtime the stand-in plays (its README): apisix-runtime, as the official image, by default. */
    runtime?: StandinRuntime;
    /** Seconds during which the stand-in's Prometheus answers 500 after start (its default: 3, as APISIX 3.13). */
    metricsWarmupS?: number;
    /** The agent folder to mount (default: the one that ships). */
    agentDir?: string;
  },
): Promise<StandinGateway> {
  const work = await mkdtemp(join(tmpdir(), 'gt-standin-'));
  let containerId: string | undefined;
  try {
    const template = await opts.client.startupTemplate(opts.clusterId);
    const bundle = opts.bundle ?? (await opts.client.gatewayCertificate(opts.clusterId, opts.instanceId));
    const configFile = join(work, 'config.yaml');
    const uidFile = join(work, 'apisix.uid');
    const rendered = renderStartupTemplate(template).yaml;
    await writeFile(configFile, opts.editConfig ? opts.editConfig(rendered) : rendered, { mode: 0o644 });
    await writeFile(uidFile, opts.instanceId, { mode: 0o644 });
    // mkdtemp makes the folder 0700; the bind-mounted files themselves are what the container opens.
    await chmod(work, 0o755);
    const publish = { HostIp: '127.0.0.1', HostPort: '' };
    const env = [`STANDIN_RUNTIME=${opts.runtime ?? 'apisix-runtime'}`];
    if (opts.metricsWarmupS !== undefined) env.push(`STANDIN_METRICS_WARMUP_S=${opts.metricsWarmupS}`);
    const container = await docker.createContainer({
      Image: STANDIN_IMAGE,
      Env: env,
      Labels: { [TEST_LABEL]: opts.runLabel },
      ExposedPorts: { '9080/tcp': {}, '7085/tcp': {}, '9091/tcp': {} },
      HostConfig: {
        Binds: [
          `${configFile}:/usr/local/apisix/conf/config.yaml:ro`,
          `${opts.agentDir ?? PACKAGED_AGENT_DIR}:/cloud_lua_module:ro`,
          `${uidFile}:/usr/local/apisix/conf/apisix.uid:ro`,
        ],
        ExtraHosts: ['host.docker.internal:host-gateway'],
        ...(opts.network ? { NetworkMode: opts.network } : {}),
        PortBindings: { '9080/tcp': [publish], '7085/tcp': [publish], '9091/tcp': [publish] },
      },
    });
    containerId = container.id;
    await putBundle(docker, container.id, bundle);
    await container.start();
    const info = await container.inspect();
    const id = container.id;
    return {
      containerId: id,
      instanceId: opts.instanceId,
      ports: { proxy: hostPort(info, '9080'), status: hostPort(info, '7085'), prometheus: hostPort(info, '9091') },
      startedAtMs: Date.parse(info.State.StartedAt),
      async state() {
        const now = await container.inspect();
        return { running: now.State.Running, exitCode: now.State.ExitCode };
      },
      async readStatus() {
        const raw = await readContainerFile(docker, id, STATUS_FILE);
        return AgentStatus.parse(JSON.parse(raw.toString('utf8')));
      },
      putBundle: (b) => putBundle(docker, id, b),
      async logs() {
        const buf = (await container.logs({ stdout: true, stderr: true, tail: 200 })) as unknown as Buffer;
        return buf.toString('utf8');
      },
      async remove() {
        await container.remove({ force: true, v: true }).catch(() => undefined);
        await rm(work, { recursive: true, force: true });
      },
    };
  } catch (err) {
    if (containerId) await docker.getContainer(containerId).remove({ force: true, v: true }).catch(() => undefined);
    await rm(work, { recursive: true, force: true });
    throw err;
  }
}
