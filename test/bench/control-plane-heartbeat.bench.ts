/**
 * Capacity of the data-plane endpoint with the connection pattern the shipped agent uses (PROTOCOL §5,
 * assets/agent/gateway_tray_agent/http.lua): one kept-alive mutual-TLS connection per gateway, a heartbeat
 * every 10 s and metrics every 15 s on it, and on reconnect a resumed TLS session. For comparison, the
 * pattern of the agent before it: a new connection per request, `Connection: close`. The same load runs,
 * in the same run, against a plain node HTTPS server with the same certificates and mTLS settings and a
 * fixed answer, and each figure is printed with its ratio to that baseline.
 *
 * Phases, per server:
 *   ramp    every gateway opens its connection, a bounded number at a time: the first few with a full
 *           handshake, the rest resuming one of their sessions (as agents do when they reconnect), then
 *           registers with its first heartbeat and beats on at the interval. Reported apart: full and
 *           resumed handshakes per second, and the registration heartbeats.
 *   steady  each gateway beats at its own offset in the interval and posts metrics every 15 s, for
 *           BENCH_STEADY_S. Latency counts from the moment the gateway meant to send.
 *   close   the old pattern at saturation: BENCH_CLOSE_CONCURRENCY loops of connect, heartbeat with
 *           `Connection: close`, disconnect; without resumption (the old agent) and with it.
 *
 * Both servers run in this process, once with it free to use both cores and once pinned to one core with
 * taskset (the load generators then get the other core), so that the run says what one core does.
 *
 *   npm run bench:control-plane
 *   BENCH_GATEWAYS=10000 BENCH_INTERVAL_S=10 BENCH_METRICS_S=15 BENCH_STEADY_S=20 BENCH_FULL_HANDSHAKES=200
 *   BENCH_RAMP_CONCURRENCY=32 BENCH_CLOSE_S=4 BENCH_CLOSE_CONCURRENCY=32 BENCH_LOAD_PROCS=2
 *   BENCH_CORES="2,1" (which server placements to run; 1 needs taskset)
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer as createHttpsServer, type Server } from 'node:https';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { constants, monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { join } from 'node:path';
import { connect, createSecureContext, type SecureContext, type TLSSocket } from 'node:tls';
import { z } from 'zod';
import { CONTROL_PLANE_YOUNG_GENERATION, youngGenerationOf } from '../../src/core/gateway/local-control-plane.ts';
import { startControlPlane } from '../../src/control-plane/index.ts';
import { signBody } from '../../src/control-plane/data-plane/hmac.ts';
import { CloudClient } from '../../src/core/cloud/client.ts';
import { startEtcd } from '../helpers/etcd.ts';

interface LoadConfig {
  host: string;
  port: number;
  servername: string;
  cert: string;
  key: string;
  ca: string;
  serial: string;
  /** This process's gateways: ids `${prefix}${from}` … `${prefix}${to - 1}`. */
  prefix: string;
  from: number;
  to: number;
  fullHandshakes: number;
  rampConcurrency: number;
}

type Command =
  | { cmd: 'init'; cfg: LoadConfig }
  | { cmd: 'ramp'; intervalS: number }
  | { cmd: 'steady'; startAt: number; seconds: number; intervalS: number; metricsS: number }
  | { cmd: 'close'; seconds: number; concurrency: number; resume: boolean }
  | { cmd: 'exit' };

interface Samples {
  latencies: number[];
  errors: number;
  seconds: number;
}

interface RampResult {
  full: number;
  fullSeconds: number;
  resumed: number;
  resumedSeconds: number;
  /** Connections that asked to resume and the server did resume. */
  reused: number;
  failed: number;
  register: Samples;
}

interface SteadyResult {
  heartbeats: Samples;
  metrics: Samples;
  reconnects: number;
  reconnectsResumed: number;
  /** The generator process's own CPU time over the steady phase. */
  cpuMs?: number;
}

interface CloseResult extends Samples {
  reused: number;
}

const HEARTBEAT_PATH = '/api/v1/dp/instance/heartbeat';
const METRICS_PATH = '/api/v1/dp/metrics';

// ---------------------------------------------------------------------------------------------------
// Load generator (child processes): raw TLS sockets and hand-written HTTP/1.1, so the client stays cheap.

function request(cfg: LoadConfig, path: string, id: string, body: string, close = false): Buffer {
  // The agent signs bodies of 8 KiB or less (PROTOCOL §2); the control plane verifies what is signed.
  const signature = Buffer.byteLength(body) <= 8192 ? `X-HMAC-SIGNATURE: ${signBody(body, cfg.serial, id)}\r\n` : '';
  return Buffer.from(
    `POST ${path} HTTP/1.1\r\nHost: ${cfg.servername}\r\nContent-Type: application/json\r\nX-APISEVEN-Instance-Id: ${id}\r\nX-APISEVEN-Run-Id: bench\r\n` +
      `${signature}${close ? 'Connection: close\r\n' : ''}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

function heartbeatBody(cfg: LoadConfig, id: string): string {
  return JSON.stringify({ id, hostname: `gw-${id}`, ip: '172.17.0.2', domain: cfg.servername, version: 'APISIX/3.13.0', api_calls: 1, etcd_reachable: true, config_version: 0, applied_revision: 1, agent_version: 'bench', ports: ['9080', '9443'] });
}

/** About what the agent posts for a gateway serving a few routes: the four kept metric families. */
function metricsBody(cfg: LoadConfig, id: string): string {
  const lines: string[] = [];
  for (const code of ['200', '404', '502']) lines.push(`apisix_http_status{code="${code}",route="r1",matched_uri="/",matched_host="",service="",consumer="",node="127.0.0.1"} 12`);
  for (const le of ['1', '5', '10', '50', '100', '500', '+Inf']) lines.push(`apisix_http_latency_bucket{type="request",route="r1",service="",consumer="",node="127.0.0.1",le="${le}"} 10`);
  lines.push('apisix_bandwidth{type="egress",route="r1",service="",consumer="",node="127.0.0.1"} 8190', 'apisix_nginx_http_current_connections{state="active"} 1');
  return JSON.stringify({ id, domain: cfg.servername, metrics: `${lines.join('\n')}\n` });
}

/** One gateway's kept-alive connection; its requests go one after another, as on one agent connection. */
class Connection {
  socket: TLSSocket | undefined;
  session: Buffer | undefined;
  private buffer: Buffer = Buffer.alloc(0);
  private readonly queue: Array<{ request: Buffer; done: (ok: boolean) => void }> = [];
  private inFlight: ((ok: boolean) => void) | undefined;

  /** Resolves with whether the server resumed the offered session (false for a full handshake), or undefined on failure. */
  open(cfg: LoadConfig, context: SecureContext, session?: Buffer): Promise<boolean | undefined> {
    return new Promise((resolve) => {
      const socket = connect({ host: cfg.host, port: cfg.port, servername: cfg.servername, secureContext: context, rejectUnauthorized: true, ...(session ? { session } : {}) });
      socket.setNoDelay(true);
      // TLS 1.3 sends its tickets after the handshake; the latest one is what a reconnect offers.
      socket.on('session', (s: Buffer) => (this.session = s));
      socket.once('secureConnect', () => resolve(socket.isSessionReused()));
      socket.once('error', () => resolve(undefined));
      socket.on('close', () => this.failAll());
      socket.on('data', (chunk: Buffer) => this.onData(chunk));
      this.socket = socket;
    });
  }

  get open_(): boolean {
    return !!this.socket && !this.socket.destroyed;
  }

  private failAll() {
    this.inFlight?.(false);
    this.inFlight = undefined;
    for (const q of this.queue.splice(0)) q.done(false);
  }

  private onData(chunk: Buffer) {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
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
  }

  private pump() {
    if (this.inFlight || this.queue.length === 0) return;
    const next = this.queue.shift() as { request: Buffer; done: (ok: boolean) => void };
    if (!this.open_) {
      next.done(false);
      return;
    }
    this.inFlight = next.done;
    this.socket?.write(next.request);
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

class Gateway {
  readonly connection = new Connection();
  readonly heartbeat: Buffer;
  readonly metrics: Buffer;

  constructor(
    readonly cfg: LoadConfig,
    readonly id: string,
  ) {
    this.heartbeat = request(cfg, HEARTBEAT_PATH, id, heartbeatBody(cfg, id));
    this.metrics = request(cfg, METRICS_PATH, id, metricsBody(cfg, id));
  }
}

function samples(): Samples {
  return { latencies: [], errors: 0, seconds: 0 };
}

/** Runs `task(i)` for i in [0, n), at most `concurrency` at a time. */
async function bounded(n: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, async () => {
    while (next < n) await task(next++);
  }));
}

class LoadGenerator {
  private gateways: Gateway[] = [];
  private context!: SecureContext;
  private cfg!: LoadConfig;

  init(cfg: LoadConfig) {
    this.cfg = cfg;
    this.context = createSecureContext({ cert: cfg.cert, key: cfg.key, ca: cfg.ca });
    this.gateways = Array.from({ length: cfg.to - cfg.from }, (_, i) => new Gateway(cfg, `${cfg.prefix}${cfg.from + i}`));
  }

  /** Heartbeats of gateways that are up while the others still connect (not measured). */
  private readonly beating: NodeJS.Timeout[] = [];

  async ramp(intervalS: number): Promise<RampResult> {
    const result: RampResult = { full: 0, fullSeconds: 0, resumed: 0, resumedSeconds: 0, reused: 0, failed: 0, register: samples() };
    const register = async (g: Gateway) => {
      const t = performance.now();
      if (await g.connection.send(g.heartbeat)) result.register.latencies.push(performance.now() - t);
      else result.register.errors++;
      // A registered gateway beats on, as an agent does: a ramp longer than the server's keep-alive
      // (65 s) would otherwise have it drop the connections that came up first.
      this.beating.push(
        setInterval(() => {
          if (g.connection.open_) void g.connection.send(g.heartbeat);
        }, intervalS * 1000),
      );
    };
    const full = Math.min(this.cfg.fullHandshakes, this.gateways.length);
    const t0 = performance.now();
    await bounded(full, this.cfg.rampConcurrency, async (i) => {
      const g = this.gateways[i] as Gateway;
      const reused = await g.connection.open(this.cfg, this.context);
      if (reused === undefined) result.failed++;
      else {
        result.full++;
        await register(g);
      }
    });
    result.fullSeconds = (performance.now() - t0) / 1000;
    // The ticket arrives just after the handshake; by now every full connection has one.
    const sessions = this.gateways.slice(0, full).map((g) => g.connection.session).filter((s): s is Buffer => s !== undefined);
    const t1 = performance.now();
    await bounded(this.gateways.length - full, this.cfg.rampConcurrency, async (k) => {
      const g = this.gateways[full + k] as Gateway;
      const session = sessions.length ? sessions[k % sessions.length] : undefined;
      const reused = await g.connection.open(this.cfg, this.context, session);
      if (reused === undefined) result.failed++;
      else {
        result.resumed++;
        if (reused) result.reused++;
        await register(g);
      }
    });
    result.resumedSeconds = (performance.now() - t1) / 1000;
    result.register.seconds = (performance.now() - t0) / 1000;
    return result;
  }

  async steady(startAt: number, seconds: number, intervalS: number, metricsS: number): Promise<SteadyResult> {
    for (const t of this.beating.splice(0)) clearInterval(t);
    const out: SteadyResult = { heartbeats: samples(), metrics: samples(), reconnects: 0, reconnectsResumed: 0 };
    const t0 = Date.now();
    const start = performance.now() + Math.max(0, startAt - t0);
    const end = start + seconds * 1000;
    const n = this.gateways.length;
    const pending: Promise<void>[] = [];
    const fire = (g: Gateway, req: Buffer, into: Samples, at: number) => {
      pending.push(
        (async () => {
          // As the agent does: a dropped connection is reopened, offering its last session.
          if (!g.connection.open_) {
            out.reconnects++;
            if (await g.connection.open(this.cfg, this.context, g.connection.session)) out.reconnectsResumed++;
          }
          const ok = await g.connection.send(req);
          if (ok) into.latencies.push(performance.now() - at);
          else into.errors++;
        })(),
      );
    };
    const every = (periodMs: number, offsetOf: (i: number) => number, reqOf: (g: Gateway) => Buffer, into: Samples) => {
      this.gateways.forEach((g, i) => {
        const tick = (at: number) => {
          if (at >= end) return;
          setTimeout(() => {
            fire(g, reqOf(g), into, at);
            tick(at + periodMs);
          }, Math.max(0, at - performance.now()));
        };
        tick(start + offsetOf(i));
      });
    };
    every(intervalS * 1000, (i) => (i / n) * intervalS * 1000, (g) => g.heartbeat, out.heartbeats);
    if (metricsS > 0) every(metricsS * 1000, (i) => ((i + 0.5) / n) * metricsS * 1000, (g) => g.metrics, out.metrics);
    await new Promise((r) => setTimeout(r, Math.max(0, end - performance.now())));
    await Promise.all(pending);
    out.heartbeats.seconds = out.metrics.seconds = seconds;
    return out;
  }

  /** The old pattern: a new connection for every heartbeat, closed after it. */
  async close(seconds: number, concurrency: number, resume: boolean): Promise<CloseResult> {
    const out: CloseResult = { ...samples(), reused: 0 };
    const end = performance.now() + seconds * 1000;
    let session: Buffer | undefined;
    await Promise.all(
      Array.from({ length: concurrency }, async (_, c) => {
        for (let i = c; performance.now() < end; i = (i + concurrency) % this.gateways.length) {
          const g = this.gateways[i] as Gateway;
          const conn = new Connection();
          const t = performance.now();
          const reused = await conn.open(this.cfg, this.context, resume ? session : undefined);
          if (reused === undefined) {
            out.errors++;
            continue;
          }
          if (reused) out.reused++;
          const ok = await conn.send(request(this.cfg, HEARTBEAT_PATH, g.id, heartbeatBody(this.cfg, g.id), true));
          if (resume && conn.session) session = conn.session;
          conn.close();
          if (ok) out.latencies.push(performance.now() - t);
          else out.errors++;
        }
      }),
    );
    out.seconds = seconds;
    return out;
  }

  shutdown() {
    for (const g of this.gateways) g.connection.close();
  }
}

function runChild() {
  const gen = new LoadGenerator();
  process.on('message', (m: Command) => {
    const reply = (value: unknown) => process.send?.(value);
    if (m.cmd === 'init') reply(gen.init(m.cfg) ?? true);
    else if (m.cmd === 'ramp') void gen.ramp(m.intervalS).then(reply);
    else if (m.cmd === 'steady') {
      const cpu0 = process.cpuUsage();
      void gen.steady(m.startAt, m.seconds, m.intervalS, m.metricsS).then((r) => {
        const cpu = process.cpuUsage(cpu0);
        reply({ ...r, cpuMs: (cpu.user + cpu.system) / 1000 });
      });
    }
    else if (m.cmd === 'close') void gen.close(m.seconds, m.concurrency, m.resume).then(reply);
    else {
      gen.shutdown();
      process.exit(0);
    }
  });
}

// ---------------------------------------------------------------------------------------------------
// Orchestrator (parent process): hosts both servers, drives the generators, prints the figures.

class Generators {
  private constructor(private readonly children: ChildProcess[]) {}

  /** Forks `n` generators, pinned to `cpus` (a taskset list) when given. */
  static start(n: number, cpus: string | undefined): Generators {
    const node = [process.execPath, '--import', 'tsx', import.meta.filename, '--load'];
    const children = Array.from({ length: n }, () => {
      const [cmd, ...args] = cpus ? ['taskset', '-c', cpus, ...node] : node;
      return spawn(cmd as string, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    });
    return new Generators(children);
  }

  all<T>(command: Command | ((i: number) => Command)): Promise<T[]> {
    return Promise.all(
      this.children.map(
        (child, i) =>
          new Promise<T>((resolve, reject) => {
            const onExit = (code: number | null) => reject(new Error(`load generator exited with ${code}`));
            child.once('exit', onExit);
            child.once('message', (m) => {
              child.off('exit', onExit);
              resolve(m as T);
            });
            child.send(typeof command === 'function' ? command(i) : command);
          }),
      ),
    );
  }

  stop() {
    for (const c of this.children) c.send({ cmd: 'exit' } satisfies Command);
  }
}

function merge(parts: Samples[]): Samples {
  return { latencies: parts.flatMap((p) => p.latencies), errors: parts.reduce((a, p) => a + p.errors, 0), seconds: Math.max(...parts.map((p) => p.seconds)) };
}

interface Figures {
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
}

function figures(s: Samples): Figures {
  const sorted = Float64Array.from(s.latencies).sort();
  const at = (q: number) => (sorted.length ? (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0) : 0);
  return { perSecond: s.latencies.length / (s.seconds || 1), p50: at(0.5), p99: at(0.99), errors: s.errors };
}

interface ServerRun {
  ramp: { full: number; fullPerSecond: number; resumed: number; resumedPerSecond: number; reused: number; failed: number; seconds: number; register: Figures };
  heartbeats: Figures;
  metrics: Figures;
  reconnects: number;
  reconnectsResumed: number;
  /**
   * The machine during the steady phase, in cores busy (of `cores`): all of it from /proc/stat, this
   * server, the load generators, and what is left, which is everyone else's work. Undefined off Linux.
   */
  machine?: { cores: number; busy: number; server: number; load: number; others: number; loadavg: number[] };
  /** The server process during the steady phase: its CPU per second and per request, and its event-loop delay. */
  server: { cpuPerSecondMs: number; cpuPerRequestUs: number; loopP99Ms: number; loopMaxMs: number; gcMaxMs: number; gcTotalMs: number; gcMajorMs: number; gcMajorCount: number; heapMb: number; rssMb: number };
  closeFull: Figures & { reused: number };
  closeResumed: Figures & { reused: number };
}

interface Settings {
  gateways: number;
  intervalS: number;
  metricsS: number;
  steadyS: number;
  fullHandshakes: number;
  rampConcurrency: number;
  closeS: number;
  closeConcurrency: number;
  procs: number;
}

async function measure(base: Omit<LoadConfig, 'port' | 'prefix' | 'from' | 'to' | 'fullHandshakes' | 'rampConcurrency'>, port: number, prefix: string, s: Settings, loadCpus: string | undefined): Promise<ServerRun> {
  const gens = Generators.start(s.procs, loadCpus);
  try {
    const per = Math.ceil(s.gateways / s.procs);
    await gens.all((i) => ({
      cmd: 'init',
      cfg: { ...base, port, prefix, from: i * per, to: Math.min(s.gateways, (i + 1) * per), fullHandshakes: Math.ceil(s.fullHandshakes / s.procs), rampConcurrency: Math.ceil(s.rampConcurrency / s.procs) },
    }));
    const ramps = await gens.all<RampResult>({ cmd: 'ramp', intervalS: s.intervalS });
    const sum = (f: (r: RampResult) => number) => ramps.reduce((a, r) => a + f(r), 0);
    const fullSeconds = Math.max(...ramps.map((r) => r.fullSeconds));
    const resumedSeconds = Math.max(...ramps.map((r) => r.resumedSeconds));
    const register = merge(ramps.map((r) => r.register));
    const loop = monitorEventLoopDelay({ resolution: 5 });
    const startAt = Date.now() + 500;
    const steadyRun = gens.all<SteadyResult>({ cmd: 'steady', startAt, seconds: s.steadyS, intervalS: s.intervalS, metricsS: s.metricsS });
    await new Promise((r) => setTimeout(r, startAt - Date.now()));
    loop.enable();
    const gc = { max: 0, total: 0, major: 0, majorCount: 0 };
    const gcWatch = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        gc.max = Math.max(gc.max, e.duration);
        gc.total += e.duration;
        // Mark-compact walks the whole old generation (the 10,000 connections and records); a scavenge only the young one.
        const kind = (e as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
        if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
          gc.major += e.duration;
          gc.majorCount += 1;
        }
      }
    });
    gcWatch.observe({ entryTypes: ['gc'] });
    const cpu0 = process.cpuUsage();
    const machine0 = machineCpuMs();
    const wall0 = performance.now();
    const steady = await steadyRun;
    const cpu = process.cpuUsage(cpu0);
    const machine1 = machineCpuMs();
    const wall = (performance.now() - wall0) / 1000;
    loop.disable();
    gcWatch.disconnect();
    const mem = process.memoryUsage();
    const closeFull = await gens.all<CloseResult>({ cmd: 'close', seconds: s.closeS, concurrency: Math.ceil(s.closeConcurrency / s.procs), resume: false });
    const closeResumed = await gens.all<CloseResult>({ cmd: 'close', seconds: s.closeS, concurrency: Math.ceil(s.closeConcurrency / s.procs), resume: true });
    return {
      ramp: {
        full: sum((r) => r.full),
        fullPerSecond: sum((r) => r.full) / (fullSeconds || 1),
        resumed: sum((r) => r.resumed),
        resumedPerSecond: sum((r) => r.resumed) / (resumedSeconds || 1),
        reused: sum((r) => r.reused),
        failed: sum((r) => r.failed),
        seconds: register.seconds,
        register: figures(register),
      },
      heartbeats: figures(merge(steady.map((r) => r.heartbeats))),
      metrics: figures(merge(steady.map((r) => r.metrics))),
      reconnects: steady.reduce((a, r) => a + r.reconnects, 0),
      reconnectsResumed: steady.reduce((a, r) => a + r.reconnectsResumed, 0),
      ...(machine0 && machine1
        ? (() => {
            const cores = (ms: number) => ms / 1000 / wall;
            const busy = cores(machine1.busy - machine0.busy);
            const server = cores((cpu.user + cpu.system) / 1000);
            const load = cores(steady.reduce((a, r) => a + (r.cpuMs ?? 0), 0));
            return { machine: { cores: availableParallelism(), busy, server, load, others: Math.max(0, busy - server - load), loadavg: loadavg() } };
          })()
        : {}),
      server: (() => {
        const cpuMs = (cpu.user + cpu.system) / 1000;
        const served = steady.reduce((a, r) => a + r.heartbeats.latencies.length + r.heartbeats.errors + r.metrics.latencies.length + r.metrics.errors, 0);
        return {
          cpuPerSecondMs: cpuMs / wall,
          cpuPerRequestUs: (cpuMs * 1000) / (served || 1),
          loopP99Ms: loop.percentile(99) / 1e6,
          loopMaxMs: loop.max / 1e6,
          gcMaxMs: gc.max,
          gcTotalMs: gc.total,
          gcMajorMs: gc.major,
          gcMajorCount: gc.majorCount,
          heapMb: mem.heapUsed / 2 ** 20,
          rssMb: mem.rss / 2 ** 20,
        };
      })(),
      closeFull: { ...figures(merge(closeFull)), reused: closeFull.reduce((a, r) => a + r.reused, 0) },
      closeResumed: { ...figures(merge(closeResumed)), reused: closeResumed.reduce((a, r) => a + r.reused, 0) },
    };
  } finally {
    gens.stop();
  }
}

/** The baseline: node's HTTPS server with the same TLS settings, reading the body and answering a fixed envelope. */
function plainServer(tls: { cert: string; key: string; ca: string }): Promise<Server> {
  const answer = JSON.stringify({ status: { code: 0, message: 'OK' }, payload: { max_metrics_size: 1048576, config: { version: 0, payload: {} } } });
  const server = createHttpsServer({ ...tls, requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.2', keepAliveTimeout: 65_000, headersTimeout: 30_000, requestTimeout: 0 }, (req, res) => {
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

/** The whole machine's busy CPU time so far, from /proc/stat (all cores, in ms); undefined off Linux. */
function machineCpuMs(): { busy: number } | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: idle and iowait are the time nobody ran.
    const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
    return { busy: ((user + nice + system + irq + softirq + steal) * 1000) / 100 };
  } catch {
    return undefined;
  }
}

const loadNote = () => `load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${availableParallelism()} cores`;

function pinSelf(cpus: string) {
  // -a: every thread of this process (libuv's pool too), not just the main one.
  execFileSync('taskset', ['-a', '-p', '-c', cpus, String(process.pid)], { stdio: 'ignore' });
}

function hasTaskset(): boolean {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const f1 = (n: number) => n.toFixed(1);
const f0 = (n: number) => n.toFixed(0);
const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a');

function report(label: string, ours: ServerRun, plain: ServerRun, s: Settings) {
  const line = (name: string, o: Figures, p: Figures, extra = '') =>
    `    ${name.padEnd(26)} ours ${f0(o.perSecond).padStart(6)}/s p50 ${f1(o.p50).padStart(6)} p99 ${f1(o.p99).padStart(7)} ms err ${o.errors}` +
    ` | plain ${f0(p.perSecond).padStart(6)}/s p50 ${f1(p.p50).padStart(6)} p99 ${f1(p.p99).padStart(7)} ms err ${p.errors}` +
    ` | ratio rate ${ratio(o.perSecond, p.perSecond)}, p99 ${ratio(o.p99, p.p99)}${extra}`;
  console.log(`  server on ${label}:`);
  console.log(
    `    ramp: ${ours.ramp.full} full handshakes at ${f0(ours.ramp.fullPerSecond)}/s (plain ${f0(plain.ramp.fullPerSecond)}/s), ` +
      `${ours.ramp.resumed} resumed at ${f0(ours.ramp.resumedPerSecond)}/s (plain ${f0(plain.ramp.resumedPerSecond)}/s), ` +
      `session reused ${ours.ramp.reused}/${ours.ramp.resumed} (plain ${plain.ramp.reused}/${plain.ramp.resumed}), failed ${ours.ramp.failed}; ` +
      `all ${s.gateways} open and registered in ${f1(ours.ramp.seconds)} s (plain ${f1(plain.ramp.seconds)} s); ` +
      `a cold start of all by full handshakes alone would take ${f0(s.gateways / (ours.ramp.fullPerSecond || 1))} s`,
  );
  console.log(line('registration heartbeat', ours.ramp.register, plain.ramp.register));
  console.log(line(`kept-alive heartbeat /${s.intervalS} s`, ours.heartbeats, plain.heartbeats, ` (offered ${f0(s.gateways / s.intervalS)}/s)`));
  if (s.metricsS > 0) console.log(line(`kept-alive metrics /${s.metricsS} s`, ours.metrics, plain.metrics, ` (offered ${f0(s.gateways / s.metricsS)}/s)`));
  console.log(`    reconnects during steady (resumed): ours ${ours.reconnects} (${ours.reconnectsResumed}), plain ${plain.reconnects} (${plain.reconnectsResumed})`);
  const srv = (r: ServerRun) => `${f0(r.server.cpuPerSecondMs)} ms CPU/s (${f0(r.server.cpuPerRequestUs)} µs a request), event-loop delay p99 ${f1(r.server.loopP99Ms)} max ${f1(r.server.loopMaxMs)} ms, GC pauses max ${f1(r.server.gcMaxMs)} total ${f0(r.server.gcTotalMs)} ms (mark-compact ${r.server.gcMajorCount}× ${f0(r.server.gcMajorMs)} ms), heap ${f0(r.server.heapMb)} MB rss ${f0(r.server.rssMb)} MB`;
  console.log(`    server process, steady: ours ${srv(ours)}`);
  console.log(`                            plain ${srv(plain)}`);
  const mach = (r: ServerRun) =>
    r.machine
      ? `${f1(r.machine.busy)} of ${r.machine.cores} cores busy: server ${f1(r.machine.server)}, load generators ${f1(r.machine.load)}, everything else ${f1(r.machine.others)}; load average ${r.machine.loadavg.map(f1).join(' ')}`
      : 'not measured (no /proc/stat)';
  console.log(`    machine, steady:        ours ${mach(ours)}`);
  console.log(`                            plain ${mach(plain)}`);
  console.log(line('close, full handshake', ours.closeFull, plain.closeFull, ' (old agent)'));
  console.log(line('close, resumed', ours.closeResumed, plain.closeResumed, ` (reused ${ours.closeResumed.reused}/${ours.closeResumed.perSecond * s.closeS | 0})`));
  const met = ours.heartbeats.errors === 0 && ours.heartbeats.perSecond >= (s.gateways / s.intervalS) * 0.95 && ours.heartbeats.p99 < 100;
  // A p99 of waiting for CPU is not the server's: say when other work held the cores.
  const others = ours.machine?.others ?? 0;
  const busyNote = others >= 0.25 ? ` (other work on this machine used ${f1(others)} cores during the steady phase: the p99 includes waiting for CPU)` : '';
  console.log(`    target ${s.gateways} gateways at ${s.intervalS} s, kept-alive, p99 < 100 ms: ${met ? 'MET' : 'NOT met'}${busyNote}`);
}

async function main() {
  const num = (name: string, dflt: number) => Number(process.env[name] ?? dflt);
  const s: Settings = {
    gateways: num('BENCH_GATEWAYS', 10_000),
    intervalS: num('BENCH_INTERVAL_S', 10),
    metricsS: num('BENCH_METRICS_S', 15),
    steadyS: num('BENCH_STEADY_S', 20),
    fullHandshakes: num('BENCH_FULL_HANDSHAKES', 200),
    rampConcurrency: num('BENCH_RAMP_CONCURRENCY', 32),
    closeS: num('BENCH_CLOSE_S', 4),
    closeConcurrency: num('BENCH_CLOSE_CONCURRENCY', 32),
    procs: num('BENCH_LOAD_PROCS', 2),
  };
  const taskset = hasTaskset();
  const placements = (process.env.BENCH_CORES ?? '2,1').split(',').map((c) => c.trim()).filter((c) => c === '2' || (c === '1' && taskset));
  const etcd = await startEtcd();
  const dataDir = await mkdtemp(join(tmpdir(), 'gt-bench-'));
  // Quiet: the control plane logs each registration, and 10,000 lines would be the benchmark's cost.
  const cp = await startControlPlane({ dataDir, etcdUrl: etcd.url, log: () => undefined });
  const plain = await (async () => {
    const ca = await readFile(cp.caFile, 'utf8');
    return plainServer({ cert: await readFile(join(dataDir, 'server.crt'), 'utf8'), key: await readFile(join(dataDir, 'server.key'), 'utf8'), ca });
  })();
  try {
    const token = (await readFile(cp.tokenFile, 'utf8')).trim();
    const client = new CloudClient({ baseUrl: cp.apiUrl, token });
    // One certificate for every simulated gateway: not bound to an instance, so each may send its own id.
    const creds = await client.gatewayCertificate(cp.clusterId);
    const serial = new X509Certificate(creds.certificate).serialNumber;
    const ca = await readFile(cp.caFile, 'utf8');
    const dp = new URL(cp.dataPlaneUrl);
    const addr = plain.address();
    const plainPort = typeof addr === 'object' && addr ? addr.port : 0;
    const base = { host: dp.hostname, servername: cp.domain, cert: creds.certificate, key: creds.private_key, ca, serial };

    // The control plane runs with a larger young generation (local-control-plane.ts); both servers here share this process's.
    const young = youngGenerationOf([...process.execArgv, process.env.NODE_OPTIONS ?? ''].join(' '));
    console.log(
      young
        ? `server process: node ${young}, as the control plane runs (${CONTROL_PLANE_YOUNG_GENERATION})`
        : `server process: node's default young generation, not the control plane's ${CONTROL_PLANE_YOUNG_GENERATION} (run it with npm run bench:control-plane)`,
    );
    console.log(`before the benchmark: ${loadNote()}${loadavg()[0]! >= 1 ? ' (the machine is busy with other work: figures below include waiting for CPU)' : ''}`);
    console.log(
      `heartbeat benchmark: ${s.gateways} gateways, one kept-alive mTLS connection each, heartbeat every ${s.intervalS} s` +
        `${s.metricsS > 0 ? `, metrics every ${s.metricsS} s` : ''}, ${s.steadyS} s steady; ${s.procs} load processes; ` +
        `server placements: ${placements.map((p) => (p === '1' ? '1 core (taskset, load on the other)' : '2 cores shared with the load')).join(', ')}` +
        `${taskset ? '' : ' (taskset not found: no 1-core run)'}`,
    );
    for (const placement of placements) {
      const label = placement === '1' ? '1 core (pinned to cpu 0, load on cpu 1)' : '2 cores (shared with the load)';
      if (taskset) pinSelf(placement === '1' ? '0' : '0-1');
      const loadCpus = placement === '1' ? '1' : undefined;
      // The baseline runs first, so that whatever a first run pays (JIT warm-up of node's TLS and HTTP
      // code) counts against it, not against the control plane.
      const baseline = await measure(base, plainPort, `plain-${placement}-`, s, loadCpus);
      plain.closeAllConnections();
      const ours = await measure(base, Number(dp.port), `bench-${placement}-`, s, loadCpus);
      report(label, ours, baseline, s);
    }
    if (taskset) pinSelf('0-1');
    const registered = (await client.page(`/clusters/${cp.clusterId}/instances`, z.unknown(), 1, 1)).count;
    console.log(`  instances registered with the control plane: ${registered} (${s.gateways} per placement)`);
  } finally {
    plain.closeAllConnections();
    plain.close();
    await cp.stop();
    await etcd.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--load')) runChild();
else await main();
