/**
 * The status window's Content Security Policy. Scripts, styles and fonts come only from the app's own
 * pages (no inline code, no eval); the page talks to main through the preload, so it needs no network
 * at all: connect-src is 'self' only for the dev tools' source maps.
 */
export const APP_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** Replaces any CSP a response carried (header names are case-insensitive) with the app's. */
export function withCsp(headers: Record<string, string[]> | undefined, csp: string = APP_CSP): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== 'content-security-policy') out[name] = value;
  }
  out['Content-Security-Policy'] = [csp];
  return out;
}
