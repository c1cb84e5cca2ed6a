import { createConnection, createServer, type Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { splice } from './splice.ts';

export interface HeldLink {
  /** The address to use in place of the target's, e.g. 127.0.0.1:40123. */
  host: string;
  /** Connections accepted so far (held or passed). */
  readonly accepted: number;
  /** From now on every connection, the held ones first, goes through to the target. */
  release(): void;
  close(): Promise<void>;
}

/**
 * A TCP link on 127.0.0.1 to a real server (the local registry) that holds every connection until
 * released: nothing crosses it, so whatever uses it (dockerd's pull) waits for as long as a test needs,
 * as on a slow network, and then goes on against the real server. Not a fake: every byte that ever
 * crosses comes from the target.
 */
export async function startHeldLink(target: { host: string; port: number }): Promise<HeldLink> {
  const open = new Set<Duplex>();
  const held = new Set<Socket>();
  let released = false;
  let accepted = 0;
  const through = (client: Socket): void => {
    const upstream = createConnection(target);
    splice(client, upstream, open);
  };
  const server: Server = createServer((client) => {
    accepted += 1;
    if (released) return through(client);
    held.add(client);
    const drop = (): void => {
      held.delete(client);
      client.destroy();
    };
    client.on('error', drop).on('close', drop);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    host: `127.0.0.1:${port}`,
    get accepted() {
      return accepted;
    },
    release() {
      released = true;
      for (const client of held) {
        client.removeAllListeners('close').removeAllListeners('error');
        through(client);
      }
      held.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of [...held, ...open]) s.destroy();
        server.close(() => resolve());
      }),
  };
}
