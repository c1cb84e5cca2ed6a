import { EtcdEndpoint, type EtcdTls } from '../../control-plane/etcd/transport.ts';

/** True when etcd at `url` answers `/health` with health "true" (over client-certificate TLS for https://). */
export async function etcdHealthy(url: string, timeoutMs = 1500, tls?: EtcdTls): Promise<boolean> {
  let endpoint: EtcdEndpoint;
  try {
    endpoint = new EtcdEndpoint(url, tls, { keepAlive: false });
  } catch {
    return false;
  }
  try {
    const res = await endpoint.call('GET', '/health', undefined, timeoutMs);
    return (JSON.parse(res.text) as { health?: string }).health === 'true';
  } catch {
    return false;
  } finally {
    endpoint.close();
  }
}
