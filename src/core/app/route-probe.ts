/** What one request through the gateway to a route's path got. */
export interface RouteProbe {
  /** The HTTP status the gateway answered, when it answered. */
  status?: number;
  /** 502, 503 and 504: the gateway is there, the upstream behind the route is not. */
  upstreamFails: boolean;
  problem?: string;
  at: string;
}

/** The concrete path a probe asks for: a prefix route (`/api/*`) is asked at its prefix. */
export function probePath(routePath: string): string {
  return routePath.replace(/\*+$/, '') || '/';
}

/**
 * One GET through the gateway's own loopback port to a route's path, so a route whose upstream cannot
 * be reached shows as failing instead of as applied. Only ever 127.0.0.1.
 */
export async function probeRoute(proxyHttpPort: number, routePath: string, timeoutMs = 3000): Promise<RouteProbe> {
  const at = new Date().toISOString();
  try {
    const res = await fetch(`http://127.0.0.1:${proxyHttpPort}${probePath(routePath)}`, { redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel();
    return { status: res.status, upstreamFails: [502, 503, 504].includes(res.status), at };
  } catch (err) {
    return { upstreamFails: false, problem: `The gateway did not answer on port ${proxyHttpPort}: ${err instanceof Error ? err.message : String(err)}`, at };
  }
}
