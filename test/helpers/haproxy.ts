import { spawn, type ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { waitFor } from './wait-for.ts';

/** Debian's haproxy (the `haproxy` package). */
export const HAPROXY_BINARY = '/usr/sbin/haproxy';

export interface RunningBalancer {
  port: number;
  readonly pid: number | undefined;
  /** Per backend server: the sessions open now and in total, from haproxy's stats socket. */
  sessions(): Promise<Map<string, { current: number; total: number }>>;
  stderr(): string;
  /** SIGTERM by pid, and waits until it is gone. */
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port }, () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

function statsCommand(socket: string, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const s = connect(socket, () => s.end(`${command}\n`));
    s.on('data', (d: Buffer) => (out += d.toString()));
    s.on('end', () => resolve(out));
    s.on('error', reject);
  });
}

/**
 * haproxy in TCP mode on 127.0.0.1:`port` in front of `servers` (mutual TLS passes through untouched, as a
 * team's balancer would run it), from a config file written into `dir`. Health checks every 200 ms and
 * `redispatch`, so a connection to a server that just died goes to the next one instead of failing.
 * `alsoBind`: more addresses to listen on with the same port (the Docker bridge, for gateway containers).
 */
export async function startBalancer(dir: string, port: number, servers: { name: string; port: number }[], alsoBind: string[] = []): Promise<RunningBalancer> {
  const statsSocket = join(dir, 'haproxy.sock');
  const config = [
    'global',
    `  stats socket ${statsSocket} mode 600 level admin`,
    '  maxconn 2000',
    'defaults',
    '  mode tcp',
    '  timeout connect 1s',
    // Longer than the control plane's keep-alive (65 s): the balancer must not be the one to cut idle gateways.
    '  timeout client 90s',
    '  timeout server 90s',
    '  retries 2',
    '  option redispatch',
    'frontend gateways',
    ...['127.0.0.1', ...alsoBind].map((host) => `  bind ${host}:${port}`),
    '  default_backend replicas',
    'backend replicas',
    '  balance roundrobin',
    ...servers.map((s) => `  server ${s.name} 127.0.0.1:${s.port} check inter 200 fall 1 rise 1`),
    '',
  ].join('\n');
  const file = join(dir, 'haproxy.cfg');
  await writeFile(file, config);
  const check = spawn(HAPROXY_BINARY, ['-c', '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let checkErr = '';
  check.stderr?.on('data', (d: Buffer) => (checkErr += d.toString()));
  await exited(check);
  if (check.exitCode !== 0) throw new Error(`haproxy refused its config: ${checkErr}`);

  // -db: stay in the foreground, so the pid is haproxy's own and stopping it by pid stops it.
  const child = spawn(HAPROXY_BINARY, ['-db', '-f', file], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr?.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-10_000)));
  const killOnExit = () => child.pid !== undefined && child.exitCode === null && process.kill(child.pid, 'SIGKILL');
  process.once('exit', killOnExit);
  const stop = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      process.kill(child.pid, 'SIGTERM');
      await exited(child);
    }
  };
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`haproxy exited with ${child.exitCode}: ${err}`);
        return accepts(port);
      },
      { timeoutMs: 10_000, what: `haproxy to accept on 127.0.0.1:${port}` },
    );
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    port,
    get pid() {
      return child.pid;
    },
    sessions: async () => {
      const csv = await statsCommand(statsSocket, 'show stat');
      const lines = csv.split('\n').filter((l) => l.trim() !== '');
      const header = (lines[0] ?? '').replace(/^# /, '').split(',');
      const col = (name: string) => header.indexOf(name);
      const out = new Map<string, { current: number; total: number }>();
      for (const line of lines.slice(1)) {
        const f = line.split(',');
        if (f[col('pxname')] !== 'replicas' || f[col('svname')] === 'BACKEND') continue;
        out.set(f[col('svname')] as string, { current: Number(f[col('scur')]), total: Number(f[col('stot')]) });
      }
      return out;
    },
    stderr: () => err,
    stop,
  };
}
