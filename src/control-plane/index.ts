import { mkdir, rm } from 'node:fs/promises';
import type { Server } from 'node:net';
import { systemClock } from './clock.ts';
import { WatchTracker } from './config-centre/watch-tracker.ts';
import type { ControlPlaneContext } from './context.ts';
import { createDataPlaneEndpoint } from './data-plane/server.ts';
import { checkEtcd } from './etcd/check.ts';
import { EtcdClient } from './etcd/client.ts';
import { closeServer, listen } from './http/listen.ts';
import type { ModuleSource } from './management/module-download.ts';
import { createManagementServer } from './management/server.ts';
import { resolveAgentDir } from '../core/gateway/agent-dir.ts';
import { buildAgentTarball } from './module/agent-tarball.ts';
import { checkDomain, DEFAULTS, dialHost, urlHost, type ControlPlaneOptions, type RunningControlPlane } from './options.ts';
import { loadOrIssueServerCertificate } from './pki/authority-store.ts';
import { KeyPool } from './pki/key-pool.ts';
import { InstanceRegistry } from './registry/registry.ts';
import { DEFAULT_THRESHOLDS, validateThresholds, type StatusThresholds } from './registry/status.ts';
import { ensureDirectoryMarkers } from './seed/directory-markers.ts';
import { ensurePrometheusGlobalRule } from './seed/prometheus-global-rule.ts';
import { DataFileWriteError } from './storage/atomic-file.ts';
import { dataFiles } from './storage/data-files.ts';
import { writeJsonFile } from './storage/json-file.ts';
import { openFileStores, type ControlPlaneStores, type StoreInput } from './stores.ts';
import { renderStartupTemplate } from './template/apisix-config.ts';

export type { ControlPlaneOptions, RunningControlPlane } from './options.ts';

const WILDCARDS = new Set(['0.0.0.0', '::', '']);

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** What gateways need in etcd before they load anything: directory markers and the Prometheus rule. */
async function seedConfigCentre(etcd: EtcdClient, prefix: string, nowMs: number, log: (line: string) => void): Promise<void> {
  const markers = await ensureDirectoryMarkers(etcd, prefix);
  if (markers.length > 0) log(`config centre: wrote the directory markers of ${markers.join(', ')}`);
  const rule = await ensurePrometheusGlobalRule(etcd, prefix, nowMs);
  if (rule.kind === 'created') log('config centre: added the global rule that enables prometheus on every route');
  if (rule.kind === 'covered') log(`config centre: global rule ${rule.by} already enables prometheus; added none`);
}

/** The module tarball is a convenience for cloud-cli: without the agent folder the control plane still runs. */
async function loadModule(agentDir: string | undefined, log: (line: string) => void): Promise<ModuleSource> {
  try {
    // The same folder the app mounts for its own gateways.
    return { ok: true, tarball: await buildAgentTarball(resolveAgentDir(agentDir)) };
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    log(`warning: the module tarball is not served: ${reason}`);
    return { ok: false, reason };
  }
}

/**
 * Starts the local control plane in this process: management API on loopback, data-plane endpoint over
 * mutual TLS, both backed by a real etcd. Resolves once both listen and the ready file is written.
 */
export async function startControlPlane(opts: ControlPlaneOptions): Promise<RunningControlPlane> {
  const log = opts.log ?? (() => undefined);
  const clock = opts.clock ?? systemClock;
  const domain = opts.domain ?? DEFAULTS.domain;
  checkDomain(domain);
  const thresholds: StatusThresholds = {
    lostAfterMs: opts.lostAfterMs ?? DEFAULT_THRESHOLDS.lostAfterMs,
    offlineAfterMs: opts.offlineAfterMs ?? DEFAULT_THRESHOLDS.offlineAfterMs,
    purgeAfterMs: opts.purgeAfterMs ?? DEFAULT_THRESHOLDS.purgeAfterMs,
  };
  validateThresholds(thresholds);
  const apiListen = opts.apiListen ?? { host: '127.0.0.1', port: 0 };
  const dpListen = opts.dpListen && opts.dpListen.length > 0 ? opts.dpListen : [{ host: '127.0.0.1', port: 0 }];
  const advertiseHost = opts.dataPlaneAdvertiseHost ?? DEFAULTS.advertiseHost;

  if (!isLoopback(apiListen.host)) {
    log(`warning: the management API listens on ${apiListen.host}, beyond this machine, over plain HTTP; put it behind TLS`);
  }
  const etcdUrls = opts.cluster?.etcdUrls ?? opts.etcdUrl;
  const etcd = new EtcdClient(etcdUrls, { tls: opts.etcdTls });
  const prefix = opts.etcdPrefix ?? DEFAULTS.etcdPrefix;
  let etcdVersion: string;
  try {
    etcdVersion = await checkEtcd(etcd);
    await seedConfigCentre(etcd, prefix, clock.now(), log);
  } catch (err) {
    etcd.close();
    throw err;
  }
  const module = await loadModule(opts.agentDir, log);

  await mkdir(opts.dataDir, { recursive: true, mode: 0o700 });
  const files = dataFiles(opts.dataDir);
  const now = new Date(clock.now());
  const storeInput: StoreInput = {
    files,
    now,
    caLifetimeMs: opts.caLifetimeMs ?? DEFAULTS.caLifetimeMs,
    adminTokenLifetimeMs: opts.adminTokenLifetimeMs ?? DEFAULTS.adminTokenLifetimeMs,
    log,
  };
  // The files are the default (and the desktop app's); the cluster code is not even loaded without --cluster.
  const stores: ControlPlaneStores = opts.cluster
    ? await (await import('./cluster/open.ts')).openClusterStores(storeInput, opts.cluster, opts.etcdTls)
    : await openFileStores(storeInput);
  const { identity, ca, tokens, revocation } = stores;
  const addressHosts = (opts.cluster?.dataPlaneAddresses ?? []).map((a) => a.host);
  const serverNames = [...new Set([domain, 'host.docker.internal', 'localhost', '127.0.0.1', advertiseHost, ...dpListen.map((l) => l.host).filter((h) => !WILDCARDS.has(h)), ...addressHosts])];
  const serverTls = await loadOrIssueServerCertificate(files, ca, serverNames, now, opts.serverCertLifetimeMs ?? DEFAULTS.serverCertLifetimeMs, log);

  const watches = stores.watches ?? new WatchTracker();
  const registry = new InstanceRegistry(clock, thresholds, watches, stores.initialInstances);
  const writer = await stores.attach(registry);
  registry.attachWriter(writer);

  // One key ahead: a launch takes it and the next is made at once, long before another launch comes. Each
  // more is an RSA key made at every start (0.1–0.5 s of CPU) that a desktop's control plane rarely uses.
  const clientKeys = new KeyPool(1);
  let dpPort = 0;
  const cp: ControlPlaneContext = {
    identity,
    clock,
    domain,
    prefix,
    etcd,
    ca,
    revocation,
    tokens,
    registry,
    watches,
    clientCertLifetimeMs: opts.clientCertLifetimeMs ?? DEFAULTS.clientCertLifetimeMs,
    clientKeys: clientKeys.take,
    module,
    startupTemplate: () => renderStartupTemplate({ advertiseHost, dataPlanePort: dpPort, domain, prefix, ...(opts.cluster?.dataPlaneAddresses ? { addresses: opts.cluster.dataPlaneAddresses } : {}) }),
    ...(stores.status ? { cluster: stores.status } : {}),
    ...(stores.signers ? { signers: stores.signers } : {}),
    log,
  };

  const endpoint = createDataPlaneEndpoint(cp, { certPem: serverTls.certPem, keyPem: serverTls.keyPem, caPem: ca.certPem }, { url: etcdUrls, tls: opts.etcdTls });
  const management = createManagementServer(cp);
  const listening: Server[] = [];
  const stopServers = async () => {
    await Promise.all(
      listening.map(async (s) => {
        const closing = closeServer(s);
        // Keep-alive connections and open watches would hold close() forever.
        (s as Server & { closeAllConnections?: () => void }).closeAllConnections?.();
        await closing;
      }),
    );
    endpoint.close();
    etcd.close();
    await clientKeys.stop();
  };

  let apiPort: number;
  try {
    for (const [i, addr] of dpListen.entries()) {
      const server = endpoint.createServer();
      const port = i === 0 ? addr.port : dpPort || addr.port;
      const bound = await listen(server, addr.host, port, 'data-plane endpoint');
      listening.push(server);
      if (i === 0) dpPort = bound;
    }
    apiPort = await listen(management, apiListen.host, apiListen.port, 'management API');
    listening.push(management);
  } catch (err) {
    await stopServers();
    await stores.close();
    throw err;
  }

  const purgeTimer = setInterval(() => registry.purge(), Math.min(60_000, thresholds.purgeAfterMs));
  purgeTimer.unref();

  const dpHosts = new Set(dpListen.map((l) => l.host));
  let stopped = false;
  const listenDataPlane = async (host: string): Promise<boolean> => {
    if (stopped) throw new Error('the control plane is stopped');
    if (dpHosts.has(host)) return false;
    const server = endpoint.createServer();
    await listen(server, host, dpPort, 'data-plane endpoint');
    dpHosts.add(host);
    listening.push(server);
    log(`data-plane endpoint: now also listening on ${urlHost(host)}:${dpPort}`);
    return true;
  };

  const firstDp = dpListen[0] ?? { host: '127.0.0.1', port: 0 };
  const running: RunningControlPlane = {
    apiUrl: `http://${urlHost(dialHost(apiListen.host))}:${apiPort}`,
    dataPlaneUrl: `https://${urlHost(dialHost(firstDp.host))}:${dpPort}`,
    domain,
    orgId: identity.orgId,
    clusterId: identity.clusterId,
    tokenFile: files.adminToken,
    caFile: files.caCert,
    listenDataPlane,
    stop: async () => {
      stopped = true;
      clearInterval(purgeTimer);
      await rm(files.ready, { force: true });
      await stopServers();
      await writer.close();
      await stores.close();
      log('control plane stopped');
    },
  };
  const { stop: _stop, listenDataPlane: _listen, ...ready } = running;
  try {
    await writeJsonFile(files.ready, ready, 0o644);
  } catch (err) {
    clearInterval(purgeTimer);
    await stopServers();
    await stores.close();
    const full = err instanceof DataFileWriteError && err.code === 'ENOSPC';
    throw new Error(`${err instanceof Error ? err.message : String(err)}; ${full ? 'free some space and start again' : "check the data folder's permissions"}`, { cause: err });
  }
  // Off the event loop (libuv's threads), after the listeners are up, so start-up does not wait for it.
  clientKeys.fill();
  log(`control plane ready: management API ${running.apiUrl}, data plane ${running.dataPlaneUrl} (etcd ${etcdVersion} at ${etcd.baseUrl})`);
  return running;
}
