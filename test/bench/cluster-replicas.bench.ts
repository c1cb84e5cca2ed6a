/**
 * The team control plane (`control-plane --cluster`) on a real three-member etcd on loopback.
 *
 * Part 1, etcd writes at 10,000 gateways: one replica's instance table and its batched writer
 * (cluster/instance-sync.ts) in this process, fed BENCH_GATEWAYS heartbeats every BENCH_INTERVAL_S, spread
 * evenly, for BENCH_WRITE_S. No TLS here: this part measures what reaches etcd, read from etcd's own
 * counters (etcd_mvcc_put_total, etcd_mvcc_txn_total) and from ours.
 *
 * Part 2, heartbeats against 1, 2 and 3 replicas, each a process of its own: BENCH_HB_GATEWAYS simulated
 * gateways with the agent's connection pattern (one kept-alive mutual-TLS connection each), spread over the
 * replicas as a TCP load balancer would, beating back to back (BENCH_HB_CONCURRENCY at a time) for
 * BENCH_HB_S. Printed: rate, p99, etcd writes per second and per heartbeat, and the replicas' CPU-ms per
 * heartbeat (from /proc). The load generator shares the machine's cores with the replicas and etcd.
 *
 *   npm run bench:cluster
 *   BENCH_GATEWAYS=10000 BENCH_INTERVAL_S=10 BENCH_WRITE_S=20 BENCH_HB_GATEWAYS=200 BENCH_HB_S=8 BENCH_HB_CONCURRENCY=32
 *   BENCH_REPLICAS="1,2,3"
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InstanceSync } from '../../src/control-plane/cluster/instance-sync.ts';
import { clusterKeys } from '../../src/control-plane/cluster/keys.ts';
import { ClusterKv } from '../../src/control-plane/cluster/kv.ts';
import { WatchTracker } from '../../src/control-plane/config-centre/watch-tracker.ts';
import { InstanceRegistry } from '../../src/control-plane/registry/registry.ts';
import { DEFAULT_THRESHOLDS } from '../../src/control-plane/registry/status.ts';
import { clientCertificate, startReplica, type Replica } from '../helpers/cluster-replica.ts';
import { dpRequest, heartbeatBody } from '../helpers/control-plane.ts';
import { freePort } from '../helpers/etcd.ts';
import { startEtcdCluster, type RunningEtcdCluster } from '../helpers/etcd-cluster.ts';

const env = (name: string, dflt: number) => Number(process.env[name] ?? dflt);
const GATEWAYS = env('BENCH_GATEWAYS', 10_000);
const INTERVAL_S = env('BENCH_INTERVAL_S', 10);
const WRITE_S = env('BENCH_WRITE_S', 20);
const HB_GATEWAYS = env('BENCH_HB_GATEWAYS', 200);
const HB_S = env('BENCH_HB_S', 8);
const HB_CONCURRENCY = env('BENCH_HB_CONCURRENCY', 32);
const REPLICAS = (process.env.BENCH_REPLICAS ?? '1,2,3').split(',').map(Number);

async function etcdCounters(urls: string[]): Promise<{ puts: number; txns: number }> {
  // Every member applies every write: one member's counters are the cluster's.
  const text = await (await fetch(`${urls[0]}/metrics`)).text();
  const read = (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1] ?? 0);
  return { puts: read('etcd_mvcc_put_total'), txns: read('etcd_mvcc_txn_total') };
}

async function writeRate(etcd: RunningEtcdCluster): Promise<void> {
  const kv = new ClusterKv(etcd.urls);
  const registry = new InstanceRegistry({ now: () => Date.now() }, DEFAULT_THRESHOLDS, new WatchTracker());
  const sync = new InstanceSync(kv, clusterKeys('/gateway-tray-bench/').instances, registry);
  registry.attachWriter(sync);
  const perTick = GATEWAYS / (INTERVAL_S * 100);
  let next = 0;
  let beats = 0;
  let carry = 0;
  const beat = (i: number) =>
    registry.heartbeat({ id: `gw-${i}`, hostname: `host-${i}`, ip: '10.0.0.1', version: 'APISIX/3.13.0', apiCalls: 1, etcdReachable: true, certSerial: 'aa', certNotAfterMs: 9e12, ports: ['9080', '9443'] });
  // Registration first (every gateway once), as at a real start, then the steady beat.
  for (let i = 0; i < GATEWAYS; i++) beat(i);
  await sync.flush();
  const c0 = { ...kv.counters };
  const e0 = await etcdCounters(etcd.urls);
  const t0 = Date.now();
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      carry += perTick;
      while (carry >= 1) {
        beat(next);
        next = (next + 1) % GATEWAYS;
        beats++;
        carry--;
      }
      if (Date.now() - t0 >= WRITE_S * 1000) {
        clearInterval(timer);
        resolve();
      }
    }, 10);
  });
  await sync.flush();
  const s = (Date.now() - t0) / 1000;
  const e1 = await etcdCounters(etcd.urls);
  const calls = kv.counters.writeCalls - c0.writeCalls;
  const keys = kv.counters.keysWritten - c0.keysWritten;
  const bytes = kv.counters.bytesWritten - c0.bytesWritten;
  console.log(`\n== etcd writes at ${GATEWAYS} gateways beating every ${INTERVAL_S} s (${beats} heartbeats in ${s.toFixed(1)} s, flush every 1 s)`);
  console.log(`  heartbeats/s          ${(beats / s).toFixed(0)}`);
  console.log(`  etcd requests/s       ${(calls / s).toFixed(1)} transactions (ours)   ${((e1.txns - e0.txns) / s).toFixed(1)} (etcd_mvcc_txn_total)`);
  console.log(`  keys written/s        ${(keys / s).toFixed(0)} (ours)   ${((e1.puts - e0.puts) / s).toFixed(0)} (etcd_mvcc_put_total)`);
  console.log(`  bytes to etcd/s       ${(bytes / s / 1024).toFixed(0)} KiB (JSON bodies, base64)`);
  console.log(`  per heartbeat         ${(keys / beats).toFixed(2)} key writes, ${(calls / beats).toFixed(4)} etcd requests, ${(bytes / beats).toFixed(0)} bytes`);
  await sync.close();
  kv.close();
}

interface BenchGateway {
  id: string;
  creds: Awaited<ReturnType<typeof clientCertificate>>;
  url: string;
  agent: Agent;
}

function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  // utime and stime, fields 14 and 15 of stat; after "comm) " they are at 11 and 12. 100 ticks a second.
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

async function heartbeatRun(etcd: RunningEtcdCluster, n: number, home: string, operatorKey: string): Promise<void> {
  const ports = await Promise.all(Array.from({ length: n }, () => freePort()));
  const advertise = ports.map((p) => `127.0.0.1:${p}`);
  const replicas: Replica[] = [];
  try {
    for (const [i, port] of ports.entries()) {
      replicas.push(await startReplica({ name: `r${n}-${i}`, dataDir: join(home, `r${n}-${i}`), dpPort: port, etcdUrls: etcd.urls, advertise, operatorKey }));
    }
    const first = replicas[0] as Replica;
    const gateways: BenchGateway[] = [];
    for (let i = 0; i < HB_GATEWAYS; i++) {
      const id = `bench-${n}-${i}`;
      const creds = await clientCertificate(first, id);
      const replica = replicas[i % n] as Replica;
      gateways.push({ id, creds, url: replica.dataPlaneUrl, agent: new Agent({ keepAlive: true, maxSockets: 1, ...creds }) });
    }
    const one = (g: BenchGateway) =>
      dpRequest(g.url, g.creds, { method: 'POST', path: '/api/v1/dp/instance/heartbeat', headers: { 'x-apiseven-instance-id': g.id }, body: heartbeatBody(g.id), agent: g.agent });
    // Every connection opened and every gateway registered before the clock starts.
    for (let i = 0; i < gateways.length; i += 16) await Promise.all(gateways.slice(i, i + 16).map(one));
    const pids = replicas.map((r) => r.child.pid as number);
    const cpu0 = pids.map(cpuMsOf);
    const e0 = await etcdCounters(etcd.urls);
    const latencies: number[] = [];
    let errors = 0;
    let cursor = 0;
    const t0 = Date.now();
    const end = t0 + HB_S * 1000;
    await Promise.all(
      Array.from({ length: HB_CONCURRENCY }, async () => {
        while (Date.now() < end) {
          const g = gateways[cursor++ % gateways.length] as BenchGateway;
          const started = performance.now();
          try {
            const res = await one(g);
            if (res.status !== 200) errors++;
            else latencies.push(performance.now() - started);
          } catch {
            errors++;
          }
        }
      }),
    );
    const s = (Date.now() - t0) / 1000;
    const e1 = await etcdCounters(etcd.urls);
    const cpuMs = pids.map(cpuMsOf).reduce((sum, v, i) => sum + v - (cpu0[i] ?? 0), 0);
    latencies.sort((x, y) => x - y);
    const p = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
    const beats = latencies.length;
    console.log(`  ${n} replica(s): ${(beats / s).toFixed(0)} heartbeats/s, p50 ${p(0.5).toFixed(1)} ms, p99 ${p(0.99).toFixed(1)} ms, ${errors} errors; ` +
      `etcd ${((e1.txns - e0.txns) / s).toFixed(1)} txn/s and ${((e1.puts - e0.puts) / s).toFixed(0)} key writes/s (${((e1.puts - e0.puts) / Math.max(1, beats)).toFixed(3)} per heartbeat); ` +
      `replicas' CPU ${(cpuMs / Math.max(1, beats)).toFixed(3)} ms per heartbeat`);
    for (const g of gateways) g.agent.destroy();
  } finally {
    await Promise.all(replicas.map((r) => r.stop()));
  }
}

const etcd = await startEtcdCluster(3);
const home = await mkdtemp(join(tmpdir(), 'gt-bench-cluster-'));
try {
  await writeRate(etcd);
  console.log(`\n== heartbeats, ${HB_GATEWAYS} gateways on kept-alive mTLS connections, ${HB_CONCURRENCY} in flight, ${HB_S} s per run`);
  const operatorKey = randomBytes(24).toString('base64');
  for (const n of REPLICAS) await heartbeatRun(etcd, n, home, operatorKey);
  console.log('\nOn 2 cores more replicas add no throughput (they share the cores with etcd and the load generator);');
  console.log('CPU-ms per heartbeat and etcd writes per heartbeat are the figures to scale by: capacity ≈ cores × 1000 / CPU-ms.');
} finally {
  await etcd.stop();
  await rm(home, { recursive: true, force: true });
}
