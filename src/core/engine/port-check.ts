import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { PortInUseError } from './errors.ts';
import type { PortBinding } from './types.ts';

/** Resolves true when nothing holds `port` on `host`; other bind errors (no such address) are rethrown. */
function tcpFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE' || err.code === 'EACCES') resolve(false);
      else reject(err);
    });
    // exclusive: a cluster primary must not share the handle; we only want to know if the bind works.
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

function udpFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = createSocket(host.includes(':') ? 'udp6' : 'udp4');
    socket.unref();
    socket.once('error', (err: NodeJS.ErrnoException) => {
      socket.close();
      if (err.code === 'EADDRINUSE' || err.code === 'EACCES') resolve(false);
      else reject(err);
    });
    socket.bind({ port, address: host, exclusive: true }, () => socket.close(() => resolve(true)));
  });
}

/** The host addresses to try for one binding: a wildcard also collides with a process on loopback. */
function hostsToCheck(hostIp: string | undefined): string[] {
  if (!hostIp || hostIp === '0.0.0.0') return ['0.0.0.0', '127.0.0.1'];
  if (hostIp === '::') return ['::', '::1'];
  return [hostIp];
}

/**
 * Checks that every requested host port is free before a container is created, so a conflict is reported
 * with the port's number instead of as a half-made container. Throws PortInUseError for the first one taken.
 */
export async function assertPortsFree(ports: readonly PortBinding[]): Promise<void> {
  for (const binding of ports) {
    const check = binding.protocol === 'udp' ? udpFree : tcpFree;
    for (const host of hostsToCheck(binding.hostIp)) {
      if (!(await check(binding.hostPort, host))) throw new PortInUseError(binding.hostPort, binding.hostIp);
    }
  }
}

/**
 * Reads the port from Docker's own conflict messages: "Bind for 127.0.0.1:9080 failed: port is already
 * allocated" and "listen tcp4 0.0.0.0:9080: bind: address already in use".
 */
export function portConflictFrom(message: string): { port: number; hostIp?: string } | undefined {
  if (!/port is already allocated|address already in use/i.test(message)) return undefined;
  const match = /(?:Bind for|listen (?:tcp|udp)[46]?)\s+\[?([0-9a-f.:]*?)\]?:(\d+)/i.exec(message);
  if (!match) return { port: 0 };
  const hostIp = match[1] || undefined;
  return { port: Number(match[2]), ...(hostIp ? { hostIp } : {}) };
}
