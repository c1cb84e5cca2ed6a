import { isIPv4 } from 'node:net';
import { networkInterfaces } from 'node:os';
import type Docker from 'dockerode';

/** The first host address of an IPv4 subnet ("172.17.0.0/16" → "172.17.0.1"): Docker's default gateway. */
export function firstHost(cidr: string): string | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
  if (!m) return undefined;
  const bits = Number(m[5]);
  if (bits < 1 || bits > 30) return undefined;
  const ip = m.slice(1, 5).reduce((acc, o) => acc * 256 + Number(o), 0);
  const host = ip - (ip % 2 ** (32 - bits)) + 1;
  return [24, 16, 8, 0].map((shift) => Math.floor(host / 2 ** shift) % 256).join('.');
}

/**
 * The Docker bridge's gateway address: where a container's host.docker.internal (host-gateway) points on
 * Linux, and so where the local control plane's data-plane endpoint must also listen (never 0.0.0.0).
 * Some daemons leave IPAM.Config[].Gateway out; Docker then uses the subnet's first host address.
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
  throw new Error('The Docker bridge network has no IPv4 gateway address or subnet, so a gateway container cannot reach a control plane on this host; check `docker network inspect bridge`.');
}
