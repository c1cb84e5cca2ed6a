import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClientCertLifetimeError, clientCertLifetimeFromEnv, parseClientCertLifetime } from '../../control-plane/client-cert-lifetime.ts';
import type { EtcdTls } from '../../control-plane/etcd/transport.ts';
import { startControlPlane } from '../../control-plane/index.ts';
import { parseDuration } from '../../control-plane/duration.ts';
import type { ListenAddress } from '../../control-plane/options.ts';
import { gatewayTrayHome } from '../../core/config/home.ts';
import { openLocalEngine } from '../../core/engine/engine.ts';
import { bridgeGatewayAddress } from '../../core/gateway/bridge-gateway.ts';
import { UsageError, type CliCommand } from '../command.ts';
import { parseEtcdUrl } from '../etcd-flag.ts';
import { parseFlags } from '../flags.ts';
import { statusCommand, stopCommand } from './control-plane-lifecycle.ts';

const usage = `Usage: gateway-tray control-plane [options]
       gateway-tray control-plane --cluster --etcd URL[,URL...] --advertise H:P [--advertise H:P...] [options]
       gateway-tray control-plane import --data-dir D --etcd URL[,URL...] [--cluster-key-file F] [--etcd-ca F --etcd-cert F --etcd-key F]
       gateway-tray control-plane status [--json]
       gateway-tray control-plane stop

Runs the local control plane in the foreground until SIGINT or SIGTERM: the management API (for the
app and cloud tools) and the mutual-TLS data-plane endpoint (for gateways), backed by a real etcd.

'status' shows the control plane of this home (the one 'launch' started in the background, or another
that answers): pid, ports, uptime, health and its etcd; it exits 0 when it runs and answers, 1 when it
runs but does not answer, 3 when none runs. 'stop' stops the background one and the etcd it started,
by pid, and waits until they are gone.

Options:
  --data-dir D         where the CA, keys, token and instance table live
                       (default: $GATEWAY_TRAY_HOME/control-plane)
  --api-listen H:P     management API address (default 127.0.0.1:7080)
  --dp-listen H:P      data-plane endpoint address; repeat to listen on several addresses with one
                       port (default 127.0.0.1:7443, plus the Docker bridge address on Linux, e.g.
                       172.17.0.1:7443, so that local gateway containers can reach it)
  --etcd URL           etcd 3.4+ client URL (default http://127.0.0.1:2379); https:// needs the three
                       options below (the app's own etcd accepts only its client certificate)
  --etcd-ca F          CA certificate (PEM) that etcd's server certificate chains to
  --etcd-cert F        client certificate (PEM) for etcd
  --etcd-key F         its private key (PEM)
  --client-cert-lifetime DUR
                       lifetime of the gateways' client certificates, 1m to 3650d (default 90d;
                       also GATEWAY_TRAY_CLIENT_CERT_LIFETIME)
  --domain NAME        cluster domain: SNI and server-certificate name
  --lost-after DUR     an instance is "Lost Connection" after this silence (default 30s;
                       also GATEWAY_TRAY_LOST_AFTER)
  --offline-after DUR  and "Offline" after this (default 2h)

Team mode (see "Running it for a team" in src/control-plane/README.md):
  --cluster            keep instances, tokens, revoked serials and the CA in etcd, so any number of
                       replicas on one etcd cluster serve the same gateways; --etcd then takes every
                       member's URL, comma-separated, tried in order
  --advertise H:P      an address gateways dial (each replica, or the load balancer); repeat for each,
                       in the order gateways try them: the startup template lists them all and the
                       server certificate names them all
  --cluster-key-file F the operator key that seals the CA key, JWT secret and admin token in etcd
                       (mode 0600; or GATEWAY_TRAY_CLUSTER_KEY); the same on every replica
  --cluster-prefix P   our keys' prefix in etcd (default /gateway-tray-cluster/)
'import' copies a single control plane's data folder (CA, identity, tokens, revoked serials,
instances) into etcd once, before the first --cluster start; it refuses a cluster that has state.

When ready it writes D/control-plane.json ({apiUrl, dataPlaneUrl, domain, orgId, clusterId,
tokenFile, caFile}); the admin token is in D/admin-token (mode 0600).`;

export function parseListen(flag: string, value: string): ListenAddress {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s]+)):(\d{1,5})$/.exec(value.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) throw new UsageError(`${flag} expects HOST:PORT (like 127.0.0.1:7080), got "${value}"`);
  return { host: (m[1] ?? m[2]) as string, port };
}

/**
 * On Linux a gateway container reaches the host through the Docker bridge, so by default the data-plane
 * endpoint listens there too (never on 0.0.0.0). Without a Docker daemon it stays on loopback and says why.
 */
async function defaultDpListen(log: (line: string) => void, env: NodeJS.ProcessEnv): Promise<string[]> {
  const loopback = '127.0.0.1:7443';
  if (process.platform !== 'linux') return [loopback];
  try {
    const { engine } = openLocalEngine({ env });
    await engine.ping({ timeoutMs: 2_000 });
    return [loopback, `${await bridgeGatewayAddress(engine.docker)}:7443`];
  } catch (err) {
    log(`Listening for gateways on loopback only: the Docker bridge address could not be read (${err instanceof Error ? err.message : String(err)}); local gateway containers will not reach this control plane until it is restarted with --dp-listen <bridge address>:7443.`);
    return [loopback];
  }
}

function duration(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseDuration(value);
  if (ms === undefined) throw new UsageError(`${flag} expects a duration like 30s, 5m or 2h, got "${value}"`);
  return ms;
}

function readPem(flag: string, path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`${flag}: cannot read ${path} (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!text.includes('-----BEGIN ')) throw new UsageError(`${flag}: ${path} is not a PEM file`);
  return text;
}

export function etcdTlsOf(url: string, values: { 'etcd-ca'?: string | undefined; 'etcd-cert'?: string | undefined; 'etcd-key'?: string | undefined }): EtcdTls | undefined {
  const given = [values['etcd-ca'], values['etcd-cert'], values['etcd-key']];
  if (given.every((v) => v === undefined)) {
    if (url.startsWith('https:')) throw new UsageError('an https:// --etcd needs --etcd-ca, --etcd-cert and --etcd-key');
    return undefined;
  }
  if (given.some((v) => v === undefined)) throw new UsageError('--etcd-ca, --etcd-cert and --etcd-key go together');
  if (!url.startsWith('https:')) throw new UsageError('--etcd-ca, --etcd-cert and --etcd-key need an https:// --etcd');
  return { ca: readPem('--etcd-ca', given[0] as string), cert: readPem('--etcd-cert', given[1] as string), key: readPem('--etcd-key', given[2] as string) };
}

function clientCertLifetime(value: string | undefined, env: NodeJS.ProcessEnv): { clientCertLifetimeMs?: number } {
  try {
    return value === undefined ? clientCertLifetimeFromEnv(env) : { clientCertLifetimeMs: parseClientCertLifetime(value) };
  } catch (err) {
    if (err instanceof ClientCertLifetimeError) throw new UsageError(err.message);
    throw err;
  }
}

async function clusterOptions(
  etcdUrls: string[],
  values: { advertise?: string[] | undefined; 'cluster-key-file'?: string | undefined; 'cluster-prefix'?: string | undefined },
  env: NodeJS.ProcessEnv,
) {
  const { readOperatorKey } = await import('../../control-plane/cluster/operator-key.ts');
  if (!values.advertise || values.advertise.length === 0) {
    throw new UsageError('--cluster needs --advertise H:P for each address gateways dial (every replica, or the load balancer)');
  }
  let operatorKey: string;
  try {
    operatorKey = await readOperatorKey(values['cluster-key-file'], env);
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  return {
    etcdUrls,
    operatorKey,
    dataPlaneAddresses: values.advertise.map((a) => parseListen('--advertise', a)),
    ...(values['cluster-prefix'] === undefined ? {} : { prefix: values['cluster-prefix'] }),
  };
}

export const controlPlaneCommand: CliCommand = {
  name: 'control-plane',
  summary: 'Run the local control plane (management API + mTLS data-plane endpoint); status, stop',
  usage,
  async run(args, io) {
    if (args[0] === 'status') return statusCommand(args.slice(1), io, usage);
    if (args[0] === 'stop') return stopCommand(args.slice(1), io, usage);
    if (args[0] === 'import') return (await import('./control-plane-import.ts')).importCommand(args.slice(1), io, usage);
    const { values } = parseFlags(
      args,
      {
        'data-dir': { type: 'string' },
        'api-listen': { type: 'string' },
        'dp-listen': { type: 'string', multiple: true },
        etcd: { type: 'string' },
        'etcd-ca': { type: 'string' },
        'etcd-cert': { type: 'string' },
        'etcd-key': { type: 'string' },
        'client-cert-lifetime': { type: 'string' },
        domain: { type: 'string' },
        'lost-after': { type: 'string' },
        'offline-after': { type: 'string' },
        cluster: { type: 'boolean' },
        advertise: { type: 'string', multiple: true },
        'cluster-key-file': { type: 'string' },
        'cluster-prefix': { type: 'string' },
      },
      usage,
    );
    // The variable is for tests (a short threshold), read only when the flag is absent: `launch` starts
    // this command in the background with the caller's environment and no flag for it.
    const lostAfterMs = values['lost-after'] !== undefined ? duration('--lost-after', values['lost-after']) : duration('GATEWAY_TRAY_LOST_AFTER', io.env.GATEWAY_TRAY_LOST_AFTER);
    const offlineAfterMs = duration('--offline-after', values['offline-after']);
    if ((lostAfterMs ?? 30_000) >= (offlineAfterMs ?? 7_200_000)) throw new UsageError('--offline-after must be longer than --lost-after');
    const dataDir = values['data-dir'] ?? join(gatewayTrayHome(io.env), 'control-plane');
    const etcdUrls = (values.etcd ?? 'http://127.0.0.1:2379').split(',').map((u) => parseEtcdUrl(u.trim(), { allowHttps: true }));
    if (etcdUrls.length > 1 && values.cluster !== true) throw new UsageError('several --etcd URLs need --cluster');
    const etcdUrl = etcdUrls[0] as string;
    const etcdTls = etcdTlsOf(etcdUrl, values);
    const cluster = values.cluster === true ? await clusterOptions(etcdUrls, values, io.env) : undefined;
    if (cluster === undefined && (values.advertise ?? values['cluster-key-file'] ?? values['cluster-prefix']) !== undefined) {
      throw new UsageError('--advertise, --cluster-key-file and --cluster-prefix need --cluster');
    }
    const lifetime = clientCertLifetime(values['client-cert-lifetime'], io.env);

    const cp = await startControlPlane({
      dataDir,
      etcdUrl,
      ...(etcdTls ? { etcdTls } : {}),
      ...lifetime,
      ...(cluster ? { cluster } : {}),
      apiListen: parseListen('--api-listen', values['api-listen'] ?? '127.0.0.1:7080'),
      dpListen: (values['dp-listen'] ?? (await defaultDpListen((line) => io.err(line), io.env))).map((v) => parseListen('--dp-listen', v)),
      ...(values.domain === undefined ? {} : { domain: values.domain }),
      ...(lostAfterMs === undefined ? {} : { lostAfterMs }),
      ...(offlineAfterMs === undefined ? {} : { offlineAfterMs }),
      log: (line) => io.err(line),
    });
    io.out(`Control plane ready: API ${cp.apiUrl}, data plane ${cp.dataPlaneUrl}; details in ${join(dataDir, 'control-plane.json')}`);
    if (!cluster) void import('../../core/gateway/background-renewal-hook.ts').then((m) => m.renewInBackground({ home: gatewayTrayHome(io.env), env: io.env, apiUrl: cp.apiUrl, dataDir, ...lifetime, log: (line) => io.err(line) }));
    // The home's own control plane keeps the etcd `launch` started for it alive (a no-op for any other).
    // Not awaited: the signal handlers below must be in place as soon as 'ready' is printed.
    const home = gatewayTrayHome(io.env);
    const superviseEvery = io.env.GATEWAY_TRAY_SUPERVISE_EVERY_MS === undefined ? undefined : Number(io.env.GATEWAY_TRAY_SUPERVISE_EVERY_MS);
    const supervising =
      !cluster && etcdUrls.length === 1 && dataDir === join(home, 'control-plane')
        ? import('../../core/gateway/background-renewal-hook.ts')
            .then((m) => m.withoutSignalEcho(() => import('../../core/supervisor/background-etcd.ts')))
            .then((m) => m.superviseBackgroundEtcd({ home, env: io.env, etcdUrl: etcdUrls[0] as string, ...(superviseEvery !== undefined && Number.isFinite(superviseEvery) ? { everyMs: superviseEvery } : {}), log: (line) => io.err(line) }))
            .catch((err: unknown) => {
              io.err(`This control plane will not restart its etcd: ${err instanceof Error ? err.message : String(err)}`);
              return undefined;
            })
        : Promise.resolve(undefined);

    const signal = await new Promise<NodeJS.Signals>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    io.err(`${signal} received; stopping`);
    // Before the control plane: `control-plane stop` stops etcd next, which must not be started again.
    await (await supervising)?.();
    await cp.stop();
    return 0;
  },
};
