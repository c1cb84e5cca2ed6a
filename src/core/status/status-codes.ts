/**
 * Every code a status reason can carry. deriveStatus can only emit these (its findings are typed with
 * them), and every table keyed by them (notifications, tests) must name each one, so a new code cannot
 * be added without deciding how it is told.
 */
export const STATUS_CODES = [
  'engine-unavailable',
  'launching',
  'checking',
  'not-running',
  'crashed-oom',
  'crashed',
  'stopped',
  'not-started',
  'crash-loop',
  'restarting',
  'paused',
  'cert-expired',
  'cert-expiring',
  'registering',
  'never-registered',
  'agent-silent',
  'control-plane-unreachable',
  'control-plane-unanswered',
  'token-refused',
  'token-missing',
  'control-plane-down',
  'unknown-to-control-plane',
  'heartbeat-lost',
  'config-centre-down',
  'heartbeat-failing',
  /** The app could not host the local control plane (its own process, not the gateway). */
  'control-plane-unavailable',
  'healthy',
] as const;
export type StatusCode = (typeof STATUS_CODES)[number];

export function isStatusCode(value: unknown): value is StatusCode {
  return typeof value === 'string' && (STATUS_CODES as readonly string[]).includes(value);
}
