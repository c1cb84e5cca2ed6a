import type { EtcdClient } from './client.ts';

function atLeast(version: string, major: number, minor: number): boolean {
  const [ma = 0, mi = 0] = version.split('.').map((n) => Number.parseInt(n, 10));
  return ma > major || (ma === major && mi >= minor);
}

/**
 * Fails early, with what to do, when etcd does not answer or is too old: APISIX's `init_etcd` refuses a
 * config centre whose cluster version is below 3.4.0.
 */
export async function checkEtcd(etcd: EtcdClient): Promise<string> {
  const { server, cluster } = await etcd.version();
  if (!atLeast(cluster, 3, 4)) {
    throw new Error(`etcd at ${etcd.baseUrl} runs cluster version ${cluster}; APISIX needs etcd 3.4 or later, so upgrade it`);
  }
  return server;
}
