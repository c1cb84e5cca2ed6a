/**
 * A counting unix-socket proxy in front of the Docker daemon, for benchmarks only: a process pointed at it
 * with DOCKER_HOST=unix://<path> talks to the real daemon, and every request line it writes is counted by
 * kind. Nothing in the app knows about it, so production code carries no hook for it.
 */
import { rm } from 'node:fs/promises';
import { createConnection, createServer } from 'node:net';
import type { Duplex } from 'node:stream';
import { splice } from '../helpers/splice.ts';

const REQUEST_LINE = /^(GET|HEAD|POST|PUT|DELETE) (\S+) HTTP\/1\.[01]$/;
// A request line is short; anything longer is a body (a tarball), which is never parsed.
const MAX_PENDING = 64 * 1024;

/** `GET /v1.41/containers/3f…/archive?path=/x` → `GET /containers/{id}/archive?path`: one kind per endpoint. */
export function requestKind(method: string, target: string): string {
  const [path = '', query] = target.split('?', 2);
  const bare = path.replace(/^\/v\d+\.\d+(?=\/)/, '').replace(/\/[0-9a-f]{64}(?=\/|$)/g, '/{id}');
  const keys = query ? [...new URLSearchParams(query).keys()].sort().join('&') : '';
  return `${method} ${bare}${keys ? `?${keys}` : ''}`;
}

export interface RequestCounter {
  socketPath: string;
  /** Counts since the last reset, by kind. */
  counts(): Map<string, number>;
  reset(): void;
  close(): Promise<void>;
}

export async function startRequestCounter(socketPath: string, daemonSocket: string): Promise<RequestCounter> {
  let counts = new Map<string, number>();
  const open = new Set<Duplex>();
  const server = createServer((client) => {
    let pending = '';
    client.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1');
      const lines = pending.split('\r\n');
      pending = lines.pop() ?? '';
      if (pending.length > MAX_PENDING) pending = '';
      for (const line of lines) {
        const m = REQUEST_LINE.exec(line);
        if (m) {
          const kind = requestKind(m[1]!, m[2]!);
          counts.set(kind, (counts.get(kind) ?? 0) + 1);
        }
      }
    });
    splice(client, createConnection(daemonSocket), open);
  });
  await rm(socketPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  return {
    socketPath,
    counts: () => new Map(counts),
    reset: () => {
      counts = new Map();
    },
    async close() {
      for (const s of open) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await rm(socketPath, { force: true });
    },
  };
}
