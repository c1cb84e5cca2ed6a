/**
 * Free TCP ports for tests that must name a port before something binds it (a control plane restarted on
 * the same port, etcd's command line, a profile's published ports).
 *
 * Asking the kernel for port 0 and closing it again is not enough once test files run side by side: the
 * kernel hands out that same range (ip_local_port_range) as the local port of every outgoing connection,
 * so in the moment between the close and the real bind another file's connection to etcd or Docker's
 * proxy can take it (CI saw "Port 37425 … is in use by another process"). So the ports come from below
 * that range, where the kernel never picks one by itself, and each is reserved across the machine's test
 * processes by a lock file that names its owner's pid, so two files never get the same port.
 */
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alive } from '../../src/core/gateway/background-process.ts';

const LOCK_DIR = join(tmpdir(), 'gateway-tray-test-ports');
/** How many ports below the ephemeral range tests may use. */
const SPAN = 12_000;
const held = new Set<number>();

function ephemeralStart(): number {
  try {
    const first = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    if (Number.isInteger(first) && first > 1024 + 1000) return first;
  } catch {
    // Not Linux, or no /proc: the kernel's usual default.
  }
  return 32_768;
}

const HIGH = ephemeralStart();
const LOW = Math.max(1025, HIGH - SPAN);

/** Takes the machine-wide lock for one port; a lock whose owner has exited is taken over. */
function reserve(port: number): boolean {
  const file = join(LOCK_DIR, String(port));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let owner: number;
      try {
        owner = Number(readFileSync(file, 'utf8'));
      } catch {
        continue; // removed in between: try again
      }
      // An empty file is a lock being written this instant: leave it to its owner.
      if (Number.isNaN(owner) || owner === 0 || alive(owner)) return false;
      try {
        unlinkSync(file);
      } catch {
        return false;
      }
    }
  }
  return false;
}

function release(): void {
  for (const port of held) {
    try {
      unlinkSync(join(LOCK_DIR, String(port)));
    } catch {
      // already gone
    }
  }
}

function bindable(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

let ready = false;
function prepare(): void {
  if (ready) return;
  mkdirSync(LOCK_DIR, { recursive: true });
  process.once('exit', release);
  ready = true;
}

/** A port free on 127.0.0.1 now, outside the kernel's ephemeral range, and handed to no other test process. */
export async function freePort(): Promise<number> {
  prepare();
  const span = HIGH - LOW;
  const start = Math.floor(Math.random() * span);
  for (let i = 0; i < span; i++) {
    const port = LOW + ((start + i) % span);
    if (held.has(port) || !reserve(port)) continue;
    held.add(port);
    if (await bindable(port)) return port;
    // Held by something that is not a test of ours: keep the lock so no one else tries it either.
  }
  throw new Error(`no free port between ${LOW} and ${HIGH - 1} on 127.0.0.1`);
}

/**
 * Occupies a port on 127.0.0.1 (a free one by default) with a Node server, as "another process" would.
 * It hangs up on whoever connects: a connection it kept (say a gateway's heartbeat to the port it held
 * before) would keep close() from ever finishing.
 */
export async function occupyPort(at = 0): Promise<{ port: number; server: Server; close(): Promise<void> }> {
  const server = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(at, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { port, server, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
