/**
 * Heartbeat benchmark of the data-plane endpoint: simulated gateways, each on its own kept-alive mutual-TLS
 * connection, heartbeat at the 10 s interval; then as fast as they can. The same load runs against a plain
 * node HTTPS server (same certificates, same mTLS settings, a fixed answer), in the same run, and the
 * result is printed as a ratio of the two.
 *
 *   npm run bench:control-plane
 *   (BENCH_GATEWAYS=10000 BENCH_CONNECTIONS=1000 BENCH_INTERVAL_S=10 BENCH_SATURATE_S=3)
 *
 * The load generator runs in a child process so that it does not share the server's event loop.
 */
import { fork } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer as createHttpsServer, type Server } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createSecureContext, type SecureContext, type TLSSocket } from 'node:tls';
import { startControlPlane } from '../../src/control-plane/index.ts';
import { CloudClient } from '../../src/core/cloud/client.ts';
import { z } from 'zod';
import { startEtcd } from '../helpers/etcd.ts';

interface LoadConfig {
  host: string;
  port: number;
  servername: string;
  cert: string;
  key: string;
  ca: string;
  gateways: number;
  connections: number;
  intervalS: number;
  saturateS: number;
}

interface PhaseResult {
  requests: number;
  errors: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

interface LoadResult {
  connectSeconds: number;
  connected: number;
  steady: PhaseResult;
  saturated: PhaseResult;
}

const HEARTBEAT_PATH = '/api/v1/dp/instance/heartbeat';

// ---------------------------------------------------------------------------------------------------
// Load generator (child process): raw TLS sockets and hand-written HTTP/1.1, so the client stays cheap.

/** One kept-alive mTLS connection; the requests of the gateways sharing it go one after another. */
class Connection {
  private socket: TLSSocket | undefined;
  private buffer: Buffer = Buffer.alloc(0);
  private readonly queue: Array<{ request: Buffer; done: (ok: boolean) => void }> = [];
  private inFlight: ((ok: boolean) => void) | undefined;

  open(cfg: LoadConfig, context: SecureContext): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = connect({ host: cfg.host, port: cfg.port, servername: cfg.servername, secureContext: context, rejectUnauthorized: true });
      socket.setNoDelay(true);
      socket.once('secureConnect', () => resolve(true));
      socket.once('error', () => resolve(false));
      socket.on('close', () => this.failAll());
      socket.on('data', (chunk: Buffer) => this.onData(chunk));
      this.socket = socket;
    });
  }

  private failAll() {
    this.inFlight?.(false);
    this.inFlight = undefined;
    for (const q of this.queue.splice(0)) q.done(false);
  }

  private onData(chunk: Buffer) {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    const headerEnd = this.buffer.indexOf('\r\n\r\n');
    if (headerEnd < 0) return;
    const head = this.buffer.subarray(0, headerEnd).toString('latin1');
    const length = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
    if (this.buffer.length < headerEnd + 4 + length) return;
    this.buffer = this.buffer.subarray(headerEnd + 4 + length);
    const done = this.inFlight;
    this.inFlight = undefined;
    done?.(head.startsWith('HTTP/1.1 200'));
    this.pump();
  }

  private pump() {
    if (this.inFlight || this.queue.length === 0) return;
    const next = this.queue.shift() as { request: Buffer; done: (ok: boolean) => void };
    if (!this.socket || this.socket.destroyed) {
      next.done(false);
      return;
    }
    this.inFlight = next.done;
    this.socket.write(next.request);
  }

  send(request: Buffer): Promise<boolean> {
    return new Promise((done) => {
      this.queue.push({ request, done });
      this.pump();
    });
  }

  close() {
    this.socket?.destroy();
  }
}

/** A simulated gateway: its own instance id and heartbeat, on a shared connection. */
class Gateway {
  readonly request: Buffer;

  constructor(
    readonly id: string,
    servername: string,
    readonly connection: Connection,
  ) {
    const body = JSON.stringify({ id, hostname: `gw-${id}`, ip: '127.0.0.1', domain: servername, version: 'APISIX/3.13.0', api_calls: 1, etcd_reachable: true, config_version: 0, ports: ['9080', '9443'] });
    this.request = Buffer.from(
      `POST ${HEARTBEAT_PATH} HTTP/1.1\r\nHost: ${servername}\r\nContent-Type: application/json\r\nX-APISEVEN-Instance-Id: ${id}\r\nX-APISEVEN-Run-Id: bench\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  }

  beat(): Promise<boolean> {
    return this.connection.send(this.request);
  }
}

function summarize(latencies: number[], errors: number, seconds: number): PhaseResult {
  const sorted = Float64Array.from(latencies).sort();
  const at = (q: number) => (sorted.length ? (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0) : 0);
  return { requests: latencies.length, errors, seconds, perSecond: latencies.length / seconds, p50Ms: at(0.5), p99Ms: at(0.99) };
}

async function runLoad(cfg: LoadConfig): Promise<LoadResult> {
  const context = createSecureContext({ cert: cfg.cert, key: cfg.key, ca: cfg.ca });
  const connections = Array.from({ length: Math.min(cfg.connections, cfg.gateways) }, () => new Connection());
  const gateways = Array.from({ length: cfg.gateways }, (_, i) => new Gateway(`bench-${i}`, cfg.servername, connections[i % connections.length] as Connection));

  // Open every connection, a bounded number of handshakes at a time, then register every gateway.
  const t0 = performance.now();
  let next = 0;
  let connected = 0;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < connections.length) {
        if (await (connections[next++] as Connection).open(cfg, context)) connected++;
      }
    }),
  );
  const connectSeconds = (performance.now() - t0) / 1000;
  await Promise.all(gateways.map((g) => g.beat()));

  // Steady state: each gateway heartbeats once per interval, at its own offset, as agents do. Latency
  // counts from the moment the gateway meant to send, so waiting behind another gateway on a shared
  // connection counts against the server: the figure is pessimistic.
  const steadyLatencies: number[] = [];
  let steadyErrors = 0;
  const intervalMs = cfg.intervalS * 1000;
  const start = performance.now();
  await Promise.all(
    gateways.map(
      (g, i) =>
        new Promise<void>((resolve) => {
          setTimeout(
            () => {
              const sent = performance.now();
              void g.beat().then((ok) => {
                if (ok) steadyLatencies.push(performance.now() - sent);
                else steadyErrors++;
                resolve();
              });
            },
            (i / gateways.length) * intervalMs,
          );
        }),
    ),
  );
  const steady = summarize(steadyLatencies, steadyErrors, (performance.now() - start) / 1000);

  // Saturation: every connection sends the next heartbeat as soon as the last is answered.
  const satLatencies: number[] = [];
  let satErrors = 0;
  const satStart = performance.now();
  const satEnd = satStart + cfg.saturateS * 1000;
  await Promise.all(
    connections.map(async (_, c) => {
      for (let i = c; performance.now() < satEnd; i = (i + connections.length) % gateways.length) {
        const sent = performance.now();
        if (await (gateways[i] as Gateway).beat()) satLatencies.push(performance.now() - sent);
        else {
          satErrors++;
          return;
        }
      }
    }),
  );
  const saturated = summarize(satLatencies, satErrors, (performance.now() - satStart) / 1000);
  for (const c of connections) c.close();
  return { connectSeconds, connected, steady, saturated };
}

// ---------------------------------------------------------------------------------------------------
// Orchestrator (parent process).

function load(cfg: LoadConfig): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = fork(import.meta.filename, ['--load'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.once('message', (m) => resolve(m as LoadResult));
    child.once('error', reject);
    child.once('exit', (code) => code !== 0 && reject(new Error(`load generator exited with ${code}`)));
    child.send(cfg);
  });
}

/** The baseline: node's HTTPS server with the same TLS settings, reading the body and answering a fixed envelope. */
function plainServer(tls: { cert: string; key: string; ca: string }): Promise<Server> {
  const answer = JSON.stringify({ status: { code: 0, message: 'OK' }, payload: { max_metrics_size: 1048576, config: { version: 0, payload: {} } } });
  const server = createHttpsServer({ ...tls, requestCert: true, rejectUnauthorized: true, keepAliveTimeout: 65_000 }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      JSON.parse(Buffer.concat(chunks).toString());
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer) });
      res.end(answer);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function row(name: string, r: LoadResult): string {
  const f = (n: number) => n.toFixed(1).padStart(8);
  return `${name.padEnd(14)} handshakes ${(r.connected / r.connectSeconds).toFixed(0).padStart(4)}/s | steady ${f(r.steady.perSecond)} hb/s p50 ${f(r.steady.p50Ms)} ms p99 ${f(r.steady.p99Ms)} ms err ${r.steady.errors} | max ${f(r.saturated.perSecond)} hb/s p99 ${f(r.saturated.p99Ms)} ms err ${r.saturated.errors}`;
}

async function main() {
  const gateways = Number(process.env.BENCH_GATEWAYS ?? 10_000);
  const intervalS = Number(process.env.BENCH_INTERVAL_S ?? 10);
  const saturateS = Number(process.env.BENCH_SATURATE_S ?? 3);
  // Node's TLS server completes only a few hundred mTLS handshakes a second on this 2-core machine, so
  // 10,000 connections per server would not fit the time budget; gateways share connections instead.
  const connections = Number(process.env.BENCH_CONNECTIONS ?? 1000);
  const etcd = await startEtcd();
  const dataDir = await mkdtemp(join(tmpdir(), 'gt-bench-'));
  const cp = await startControlPlane({ dataDir, etcdUrl: etcd.url });
  try {
    const token = (await readFile(cp.tokenFile, 'utf8')).trim();
    const client = new CloudClient({ baseUrl: cp.apiUrl, token });
    const creds = await client.gatewayCertificate(cp.clusterId);
    const ca = await readFile(cp.caFile, 'utf8');
    const dp = new URL(cp.dataPlaneUrl);
    const base = { host: dp.hostname, servername: cp.domain, cert: creds.certificate, key: creds.private_key, ca, gateways, connections, intervalS, saturateS };

    console.log(`heartbeat benchmark: ${gateways} gateways on ${Math.min(connections, gateways)} kept-alive mTLS connections, at a ${intervalS} s interval (${(gateways / intervalS).toFixed(0)} hb/s offered), then ${saturateS} s at saturation`);
    const plain = await plainServer({
      cert: await readFile(join(dataDir, 'server.crt'), 'utf8'),
      key: await readFile(join(dataDir, 'server.key'), 'utf8'),
      ca,
    });
    const addr = plain.address();
    const plainPort = typeof addr === 'object' && addr ? addr.port : 0;
    // The baseline runs first, so that whatever the first run pays (JIT warm-up of node's TLS and HTTP
    // code, a cold machine) counts against it, not against the control plane.
    const baseline = await load({ ...base, port: plainPort });
    plain.closeAllConnections();
    plain.close();
    const ours = await load({ ...base, port: Number(dp.port) });
    const registered = (await client.page(`/clusters/${cp.clusterId}/instances`, z.unknown(), 1, 1)).count;

    console.log(row('control plane', ours));
    console.log(row('plain https', baseline));
    console.log(`instances registered: ${registered}/${gateways}`);
    console.log(
      `ratio (control plane / plain): steady throughput ${(ours.steady.perSecond / baseline.steady.perSecond).toFixed(2)}, ` +
        `steady p99 ${(ours.steady.p99Ms / baseline.steady.p99Ms).toFixed(2)}, ` +
        `max throughput ${(ours.saturated.perSecond / baseline.saturated.perSecond).toFixed(2)}, ` +
        `max p99 ${(ours.saturated.p99Ms / baseline.saturated.p99Ms).toFixed(2)}`,
    );
    const target = gateways / intervalS;
    const met = ours.steady.errors === 0 && ours.steady.perSecond >= target * 0.95 && ours.saturated.perSecond >= target;
    console.log(`target ${gateways} gateways at ${intervalS} s: ${met ? 'met' : 'NOT met'}`);
  } finally {
    await cp.stop();
    await etcd.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--load')) {
  process.once('message', (cfg) => {
    void runLoad(cfg as LoadConfig).then((result) => {
      process.send?.(result, () => process.exit(0));
    });
  });
} else {
  await main();
}
