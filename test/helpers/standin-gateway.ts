import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { isIPv4 } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type Docker from 'dockerode';
import { z } from 'zod';
import { copyFilesIn, readContainerFile } from '../../src/core/engine/archive.ts';
import type { ControlPlaneClient } from '../../src/core/cloud/client.ts';
import { STANDIN_IMAGE, TEST_LABEL } from './docker.ts';

/** The agent as it ships, mounted read-only at /cloud_lua_module (PROTOCOL §4). */
export const AGENT_DIR = resolve(import.meta.dirname, '../../assets/agent');
/** The image's user (the official image's uid). */
export const GATEWAY_UID = 636;
export const STATUS_FILE = '/usr/local/apisix/logs/agent-status.json';

/** The agent status file of PROTOCOL §5. */
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

/** The first host address of an IPv4 subnet ("172.17.0.0/16" → "172.17.0.1"): Docker's default gateway. */
function firstHost(cidr: string): string | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!m) return undefined;
  const bits = Number(m[5]);
  if (bits < 1 || bits > 30) return undefined;
  const ip = m.slice(1, 5).reduce((acc, o) => acc * 256 + Number(o), 0);
  const network = ip - (ip % 2 ** (32 - bits));
  const host = network + 1;
  return [24, 16, 8, 0].map((shift) => Math.floor(host / 2 ** shift) % 256).join('.');
}

/**
 * The Docker bridge's gateway address, where a control plane listens for containers (never 0.0.0.0). Some
 * daemons leave IPAM.Config[0].Gateway out; then Docker uses the subnet's first host address, which is also
 * the bridge interface's own (that interface is missing from networkInterfaces() while no container runs).
 */
export async function bridgeGatewayAddress(docker: Docker): Promise<string> {
  const net = (await docker.getNetwork('bridge').inspect()) as {
    IPAM?: { Config?: Array<{ Gateway?: string; Subnet?: string }> };
    Options?: Record<string, string>;
  };
  const configs = net.IPAM?.Config ?? [];
  const declared = configs.find((c) => c.Gateway && isIPv4(c.Gateway))?.Gateway;
  if (declared) return declared;
  const ifname = net.Options?.['com.docker.network.bridge.name'] ?? 'docker0';
  const own = networkInterfaces()[ifname]?.find((a) => a.family === 'IPv4')?.address;
  if (own) return own;
  const derived = configs.map((c) => (c.Subnet ? firstHost(c.Subnet) : undefined)).find(Boolean);
  if (derived) return derived;
  throw new Error('The Docker bridge network has no IPv4 gateway address or subnet; the gateway container could not reach the control plane');
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

/** Fills the startup template's placeholders as the app does (PROTOCOL §4). */
export function renderTemplate(template: string): string {
  return template.replaceAll('{{.CloudModuleDir}}', '/cloud_lua_module').replaceAll('{{.TLSDir}}', '/cloud/tls');
}

async function putBundle(docker: Docker, id: string, b: TlsBundle): Promise<void> {
  const own = { uid: GATEWAY_UID, gid: GATEWAY_UID };
  await copyFilesIn(
    docker,
    id,
    '/cloud/tls',
    [
      { name: 'tls.crt', content: b.certificate, mode: 0o644, ...own },
      { name: 'tls.key', content: b.private_key, mode: 0o600, ...own },
      { name: 'ca.crt', content: b.ca_certificate, mode: 0o644, ...own },
    ],
    { folderOwner: { ...own, mode: 0o700 } },
  );
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
  },
): Promise<StandinGateway> {
  const work = await mkdtemp(join(tmpdir(), 'gt-standin-'));
  let containerId: string | undefined;
  try {
    const template = await opts.client.startupTemplate(opts.clusterId);
    const bundle = opts.bundle ?? (await opts.client.gatewayCertificate(opts.clusterId, opts.instanceId));
    const configFile = join(work, 'config.yaml');
    const uidFile = join(work, 'apisix.uid');
    const rendered = renderTemplate(template);
    await writeFile(configFile, opts.editConfig ? opts.editConfig(rendered) : rendered, { mode: 0o644 });
    await writeFile(uidFile, opts.instanceId, { mode: 0o644 });
    // mkdtemp makes the folder 0700; the bind-mounted files themselves are what the container opens.
    await chmod(work, 0o755);
    const publish = { HostIp: '127.0.0.1', HostPort: '' };
    const container = await docker.createContainer({
      Image: STANDIN_IMAGE,
      Labels: { [TEST_LABEL]: opts.runLabel },
      ExposedPorts: { '9080/tcp': {}, '7085/tcp': {}, '9091/tcp': {} },
      HostConfig: {
        Binds: [
          `${configFile}:/usr/local/apisix/conf/config.yaml:ro`,
          `${AGENT_DIR}:/cloud_lua_module:ro`,
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
