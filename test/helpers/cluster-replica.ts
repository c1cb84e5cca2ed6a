import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Agent } from 'node:https';
import { dpRequest, heartbeatBody, type ClientCredentials } from './control-plane.ts';
import { waitFor } from './wait-for.ts';
import { CLI_ARGS } from './cli-process.ts';

export interface Replica {
  name: string;
  dataDir: string;
  dpPort: number;
  apiUrl: string;
  dataPlaneUrl: string;
  token: string;
  clusterId: string;
  child: ChildProcess;
  stderr(): string;
  /** SIGKILL by pid: a crash. */
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export interface ReplicaSpec {
  name: string;
  dataDir: string;
  dpPort: number;
  etcdUrls: string[];
  /** Every data-plane address, in the order gateways try them. */
  advertise: string[];
  operatorKey: string;
  extraArgs?: string[];
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
}

/** One `gateway-tray control-plane --cluster` replica, a process of its own. */
export async function startReplica(spec: ReplicaSpec): Promise<Replica> {
  const args = [
    ...CLI_ARGS, 'control-plane', '--cluster',
    '--etcd', spec.etcdUrls.join(','),
    '--data-dir', spec.dataDir,
    '--api-listen', '127.0.0.1:0',
    '--dp-listen', `127.0.0.1:${spec.dpPort}`,
    ...spec.advertise.flatMap((a) => ['--advertise', a]),
    ...(spec.extraArgs ?? []),
  ];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, GATEWAY_TRAY_HOME: spec.dataDir, GATEWAY_TRAY_CLUSTER_KEY: spec.operatorKey },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const killOnExit = () => child.pid !== undefined && child.exitCode === null && process.kill(child.pid, 'SIGKILL');
  process.once('exit', killOnExit);
  let err = '';
  let out = '';
  child.stderr?.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-20_000)));
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  const ready = await waitFor(
    async () => {
      if (child.exitCode !== null) throw new Error(`replica ${spec.name} exited with ${child.exitCode}: ${err}`);
      if (!out.includes('Control plane ready')) return undefined;
      return JSON.parse(await readFile(join(spec.dataDir, 'control-plane.json'), 'utf8')) as { apiUrl: string; dataPlaneUrl: string; tokenFile: string; clusterId: string };
    },
    { timeoutMs: 60_000, what: `replica ${spec.name} to be ready` },
  );
  const token = (await readFile(ready.tokenFile, 'utf8')).trim();
  const kill = async () => {
    process.off('exit', killOnExit);
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) process.kill(child.pid, 'SIGKILL');
    await exited(child);
  };
  return {
    name: spec.name,
    dataDir: spec.dataDir,
    dpPort: spec.dpPort,
    apiUrl: ready.apiUrl,
    dataPlaneUrl: ready.dataPlaneUrl,
    token,
    clusterId: ready.clusterId,
    child,
    stderr: () => err,
    kill,
    stop: async () => {
      process.off('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        process.kill(child.pid, 'SIGTERM');
        const t = setTimeout(() => child.pid !== undefined && child.exitCode === null && process.kill(child.pid, 'SIGKILL'), 10_000);
        await exited(child);
        clearTimeout(t);
      }
    },
  };
}

/** A management API call with the admin token; returns the envelope's payload or throws its message. */
export async function api<T = unknown>(r: Replica, method: string, path: string): Promise<T> {
  const res = await fetch(`${r.apiUrl}/api/v1${path}`, { method, headers: { authorization: `Bearer ${r.token}` }, signal: AbortSignal.timeout(10_000) });
  const body = (await res.json()) as { status: { code: number }; error?: string; payload?: T };
  if (body.status.code !== 0) throw new Error(`${method} ${path} at ${r.name}: ${res.status} ${body.error ?? JSON.stringify(body)}`);
  return body.payload as T;
}

/** A client certificate from a replica's management API, as credentials for the data plane. */
export async function clientCertificate(r: Replica, instanceId: string): Promise<ClientCredentials & { serial: string }> {
  const p = await api<{ certificate: string; private_key: string; ca_certificate: string; serial: string }>(r, 'GET', `/clusters/${r.clusterId}/gateway_certificate?instance_id=${instanceId}`);
  return { cert: p.certificate, key: p.private_key, ca: p.ca_certificate, servername: 'control-plane.gateway-tray.internal', serial: p.serial };
}

export interface Instance {
  id: string;
  status: string;
  register_time: string;
  last_seen_time: string;
}

export async function listInstances(r: Replica): Promise<Instance[]> {
  const p = await api<{ list: Instance[] }>(r, 'GET', `/clusters/${r.clusterId}/instances`);
  return p.list;
}

/**
 * A simulated gateway with the agent's connection pattern (one kept-alive mTLS connection) and its
 * failover: the data-plane addresses in order, the next one when a beat fails.
 */
export class SimulatedGateway {
  private current = 0;
  private agents = new Map<string, Agent>();
  failures = 0;
  beats = 0;

  constructor(
    readonly id: string,
    private readonly creds: ClientCredentials,
    private readonly urls: string[],
  ) {}

  private agent(url: string): Agent {
    let a = this.agents.get(url);
    if (!a) {
      a = new Agent({ keepAlive: true, ...this.creds });
      this.agents.set(url, a);
    }
    return a;
  }

  /** One heartbeat, failing over through the whole list once; returns the URL that took it. */
  async beat(): Promise<string> {
    let lastError: unknown;
    for (let i = 0; i < this.urls.length; i++) {
      const url = this.urls[this.current] as string;
      try {
        const res = await dpRequest(url, this.creds, {
          method: 'POST',
          path: '/api/v1/dp/instance/heartbeat',
          headers: { 'x-apiseven-instance-id': this.id },
          body: heartbeatBody(this.id),
          agent: this.agent(url),
          timeoutMs: 2000,
        });
        if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${res.text}`);
        this.beats++;
        return url;
      } catch (err) {
        lastError = err;
        this.failures++;
        this.current = (this.current + 1) % this.urls.length;
      }
    }
    throw lastError instanceof Error ? lastError : new Error(String(lastError));
  }

  close(): void {
    for (const a of this.agents.values()) a.destroy();
  }
}
