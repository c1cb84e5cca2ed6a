/** True when etcd at `url` answers `/health` with health "true". */
export async function etcdHealthy(url: string, timeoutMs = 1500): Promise<boolean> {
  try {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(timeoutMs) });
    return ((await res.json()) as { health?: string }).health === 'true';
  } catch {
    return false;
  }
}
