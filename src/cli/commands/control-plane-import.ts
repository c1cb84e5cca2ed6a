import { join } from 'node:path';
import { importDataFolder } from '../../control-plane/cluster/import.ts';
import { DEFAULT_CLUSTER_PREFIX } from '../../control-plane/cluster/keys.ts';
import { ClusterKv } from '../../control-plane/cluster/kv.ts';
import { readOperatorKey } from '../../control-plane/cluster/operator-key.ts';
import { dataFiles } from '../../control-plane/storage/data-files.ts';
import type { EtcdTls } from '../../control-plane/etcd/transport.ts';
import { gatewayTrayHome } from '../../core/config/home.ts';
import { loadEtcdClientTls } from '../../core/gateway/etcd-tls.ts';
import { UsageError, type CliIO } from '../command.ts';
import { parseEtcdUrl } from '../etcd-flag.ts';
import { parseFlags } from '../flags.ts';
import { etcdTlsOf } from './control-plane.ts';

/**
 * The client certificate for an https:// etcd: the three flags, or else the app's own etcd client
 * certificate of this home (GATEWAY_TRAY_HOME/etcd/tls), which is what a data folder of the app's etcd needs.
 */
function importTls(urls: string[], values: { 'etcd-ca'?: string | undefined; 'etcd-cert'?: string | undefined; 'etcd-key'?: string | undefined }, home: string): EtcdTls | undefined {
  const https = urls.filter((u) => u.startsWith('https:'));
  if (https.length > 0 && https.length < urls.length) throw new UsageError('--etcd URLs are either all https:// or all http://');
  const flagged = values['etcd-ca'] !== undefined || values['etcd-cert'] !== undefined || values['etcd-key'] !== undefined;
  if (https.length === 0 || flagged) return etcdTlsOf(urls[0] as string, values);
  const own = loadEtcdClientTls(home);
  if (!own) throw new UsageError(`an https:// --etcd needs --etcd-ca, --etcd-cert and --etcd-key (no client certificate of the app's etcd under ${home})`);
  return own;
}

/** `control-plane import`: a single control plane's data folder into etcd, once, for `--cluster`. */
export async function importCommand(args: string[], io: CliIO, usage: string): Promise<number> {
  const { values } = parseFlags(
    args,
    {
      'data-dir': { type: 'string' },
      etcd: { type: 'string' },
      'etcd-ca': { type: 'string' },
      'etcd-cert': { type: 'string' },
      'etcd-key': { type: 'string' },
      'cluster-key-file': { type: 'string' },
      'cluster-prefix': { type: 'string' },
    },
    usage,
  );
  if (values.etcd === undefined) throw new UsageError('import needs --etcd URL[,URL...]: the etcd cluster the replicas will use');
  const urls = values.etcd.split(',').map((u) => parseEtcdUrl(u.trim(), { allowHttps: true }));
  const home = gatewayTrayHome(io.env);
  const tls = importTls(urls, values, home);
  const dataDir = values['data-dir'] ?? join(home, 'control-plane');
  let operatorKey: string;
  try {
    operatorKey = await readOperatorKey(values['cluster-key-file'], io.env);
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
  const prefix = values['cluster-prefix'] ?? DEFAULT_CLUSTER_PREFIX;
  const kv = new ClusterKv(urls, tls);
  try {
    const s = await importDataFolder(kv, prefix, dataFiles(dataDir), operatorKey);
    io.out(`Imported ${dataDir} into etcd under ${prefix}: cluster ${s.identity.clusterId} (org ${s.identity.orgId}), the CA (key sealed), ${s.tokens} admin token hash(es)${s.adminToken ? ' and the admin token (sealed)' : ''}, ${s.revokedSerials} revoked serial(s), ${s.instances} instance(s).`);
    io.out('Start the replicas with --cluster and the same --cluster-key-file; the data folder is left as it was.');
    return 0;
  } catch (err) {
    io.err(`import failed: ${err instanceof Error ? err.message : String(err)}`);
    return 1;
  } finally {
    kv.close();
  }
}
