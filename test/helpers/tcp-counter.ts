import { createConnection, createServer, type Server } from 'node:net';
import type { Duplex } from 'node:stream';
import { splice } from './splice.ts';

/** One TCP connection that passed the counter, with the first bytes the client sent (its TLS ClientHello). */
export interface CountedConnection {
  openedAtMs: number;
  firstBytes: Buffer;
}

export interface TcpCounter {
  port: number;
  connections: CountedConnection[];
  /** Ends every connection now open, as a control plane that restarts would. */
  dropAll(): void;
  close(): Promise<void>;
}

/**
 * A plain TCP forwarder between a gateway and the control plane that counts connections, so that a test
 * can tell one kept-alive connection from a new one per request by what really crossed the wire.
 */
export async function startTcpCounter(listenHost: string, target: { host: string; port: number }): Promise<TcpCounter> {
  const connections: CountedConnection[] = [];
  const open = new Set<Duplex>();
  const server: Server = createServer((client) => {
    const record: CountedConnection = { openedAtMs: Date.now(), firstBytes: Buffer.alloc(0) };
    connections.push(record);
    client.once('data', (chunk: Buffer) => {
      record.firstBytes = chunk;
    });
    splice(client, createConnection(target), open);
  });
  await new Promise<void>((resolve) => server.listen(0, listenHost, resolve));
  return {
    port: (server.address() as { port: number }).port,
    connections,
    dropAll: () => {
      for (const s of open) s.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * Whether a TLS ClientHello offers to resume a session: a TLS 1.3 pre_shared_key extension (41), or a
 * TLS 1.2 session ticket (35) with data. Reads the record as RFC 8446 §4.1.2 lays it out.
 */
export function offersResumption(hello: Buffer): boolean {
  if (hello.length < 44 || hello[0] !== 0x16 || hello[5] !== 0x01) return false;
  let p = 5 + 4 + 2 + 32; // record header, handshake header, client_version, random
  const sessionIdLength = hello[p] ?? 0;
  p += 1 + sessionIdLength;
  const suitesLength = hello.readUInt16BE(p);
  p += 2 + suitesLength;
  const compressionLength = hello[p] ?? 0;
  p += 1 + compressionLength;
  if (p + 2 > hello.length) return false;
  const end = Math.min(hello.length, p + 2 + hello.readUInt16BE(p));
  p += 2;
  while (p + 4 <= end) {
    const type = hello.readUInt16BE(p);
    const length = hello.readUInt16BE(p + 2);
    if (type === 41 || (type === 35 && length > 0)) return true;
    p += 4 + length;
  }
  return false;
}
