import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request, Agent, type AgentOptions } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startControlPlane, type ControlPlaneOptions, type RunningControlPlane } from '../../src/control-plane/index.ts';
import { CloudClient } from '../../src/core/cloud/client.ts';
import { startEtcd, type RunningEtcd } from './etcd.ts';

export interface Harness {
  etcd: RunningEtcd;
  cp: RunningControlPlane;
  client: CloudClient;
  token: string;
  dataDir: string;
  caPem: string;
  logs: string[];
  /** Restarts the control plane on the same data folder and etcd. */
  restart(extra?: Partial<ControlPlaneOptions>): Promise<void>;
  cleanup(): Promise<void>;
}

/** A real etcd and a real control plane on a fresh temp data folder. */
export async function startHarness(extra: Partial<ControlPlaneOptions> = {}): Promise<Harness> {
  const etcd = await startEtcd();
  const dataDir = await mkdtemp(join(tmpdir(), 'gt-cp-'));
  const logs: string[] = [];
  const start = async (more: Partial<ControlPlaneOptions>) => {
    const cp = await startControlPlane({ dataDir, etcdUrl: etcd.url, log: (l) => logs.push(l), ...extra, ...more });
    const token = (await readFile(cp.tokenFile, 'utf8')).trim();
    return { cp, token, client: new CloudClient({ baseUrl: cp.apiUrl, token }), caPem: await readFile(cp.caFile, 'utf8') };
  };
  let state: Awaited<ReturnType<typeof start>>;
  try {
    state = await start({});
  } catch (err) {
    await etcd.stop();
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  const h: Harness = {
    etcd,
    ...state,
    dataDir,
    logs,
    async restart(more = {}) {
      await h.cp.stop();
      const next = await start(more);
      Object.assign(h, next);
    },
    async cleanup() {
      await h.cp.stop().catch(() => undefined);
      await etcd.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  return h;
}

export interface ClientCredentials {
  cert?: string;
  key?: string;
  ca: string;
  servername: string;
}

export interface DpResponse {
  status: number;
  text: string;
  json(): unknown;
}

/** A keep-alive mTLS agent, as a gateway holds one. */
export function dpAgent(creds: ClientCredentials, more: AgentOptions = {}): Agent {
  return new Agent({ keepAlive: true, ...creds, ...more });
}

/** One request to the data-plane endpoint over mutual TLS. Rejects when the connection is refused. */
export function dpRequest(
  url: string,
  creds: ClientCredentials,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer; agent?: Agent; timeoutMs?: number },
): Promise<DpResponse> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = request(
      {
        hostname: u.hostname,
        port: u.port,
        method: opts.method ?? 'GET',
        path: opts.path,
        headers: { ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers },
        ...(opts.agent ? { agent: opts.agent } : { agent: false, ...creds }),
        timeout: opts.timeoutMs ?? 10_000,
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, text, json: () => JSON.parse(text) as unknown });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** A heartbeat body as the agent sends it. */
export function heartbeatBody(id: string, more: Record<string, unknown> = {}): string {
  return JSON.stringify({
    id,
    hostname: 'gw-test',
    ip: '127.0.0.1',
    domain: 'test',
    version: 'APISIX/3.13.0',
    api_calls: 0,
    etcd_reachable: true,
    config_version: 0,
    ports: ['9080', '9443'],
    ...more,
  });
}
