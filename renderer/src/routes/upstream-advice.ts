/** What to tell the user about an upstream before it is saved; undefined when there is nothing to say. */
export type UpstreamAdvice = 'loopback' | 'host-gateway' | undefined;

/** The host part of `host:port` or `http://host:port`. */
export function upstreamHost(upstream: string): string {
  const s = upstream.trim().replace(/^https?:\/\//, '');
  if (s.startsWith('[')) return s.slice(0, s.indexOf(']') + 1);
  return s.split(/[:/]/)[0] ?? '';
}

/**
 * 127.0.0.1, localhost or ::1 is the gateway container itself, not this machine: every request would
 * get a 502. host.docker.internal reaches the host, but only services listening on an address the
 * container can reach (not 127.0.0.1 only).
 */
export function adviseUpstream(upstream: string): UpstreamAdvice {
  const host = upstreamHost(upstream).toLowerCase();
  if (host === 'localhost' || host === '[::1]' || host === '::1' || /^127\./.test(host) || host === '0.0.0.0') return 'loopback';
  if (host === 'host.docker.internal') return 'host-gateway';
  return undefined;
}
