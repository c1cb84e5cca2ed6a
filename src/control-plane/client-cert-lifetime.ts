import { parseDuration } from './duration.ts';

export const CLIENT_CERT_LIFETIME_ENV = 'GATEWAY_TRAY_CLIENT_CERT_LIFETIME';
const MIN_MS = 60_000;
// Below the CA's 10 years, so a client certificate never outlives what it chains to.
const MAX_MS = 3650 * 86_400_000;

export class ClientCertLifetimeError extends Error {
  override name = 'ClientCertLifetimeError';
}

/**
 * The lifetime of the gateways' client certificates, from text like "2m" or "90d": at least a minute (a
 * gateway must get to heartbeat before it expires), at most 10 years.
 */
export function parseClientCertLifetime(text: string, source = '--client-cert-lifetime'): number {
  const ms = parseDuration(text);
  if (ms === undefined || ms < MIN_MS || ms > MAX_MS) {
    throw new ClientCertLifetimeError(`${source} expects a duration from 1m to 3650d, like 2m or 90d, got "${text}"`);
  }
  return ms;
}

/** `{clientCertLifetimeMs}` from GATEWAY_TRAY_CLIENT_CERT_LIFETIME when it is set (for tests); a bad value throws. */
export function clientCertLifetimeFromEnv(env: NodeJS.ProcessEnv): { clientCertLifetimeMs?: number } {
  const text = env[CLIENT_CERT_LIFETIME_ENV];
  if (text === undefined || text.trim() === '') return {};
  return { clientCertLifetimeMs: parseClientCertLifetime(text, CLIENT_CERT_LIFETIME_ENV) };
}
