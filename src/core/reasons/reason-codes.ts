/**
 * Why something failed, as a stable code kept apart from where it failed (a launch stage, a command):
 * the same cause reads the same in the tray, the window, `status`, and a script's exit code.
 */
export const REASON_CODES = [
  'engine-unavailable',
  'port-in-use',
  'image-not-found',
  'registry-unreachable',
  'disk-full',
  'token-missing',
  'token-refused',
  'control-plane-down',
  'control-plane-unreachable',
  'config-centre-down',
  'certificate-expired',
  'certificate-refused',
  'config-stale',
  'gateway-exited',
  'register-timeout',
  'not-launched',
  'cancelled',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export function isReasonCode(value: unknown): value is ReasonCode {
  return typeof value === 'string' && (REASON_CODES as readonly string[]).includes(value);
}
