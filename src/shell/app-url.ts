/**
 * The app's pages are served from a privileged custom scheme rather than file://: a file URL has no
 * origin to check, webRequest does not see file loads (so no CSP header could be set), and Vite's
 * absolute asset paths would point at the file system root.
 */
export const APP_SCHEME = 'gateway-tray';
export const APP_HOST = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/**
 * Registered before "ready". standard + secure give the scheme an origin and a secure context, so the
 * renderer's ES modules and fetch work as on https; nothing here bypasses the CSP.
 */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } as const;

/** True only for the app's own pages: exactly our scheme and host, no credentials, no port. */
export function isAppUrl(url: string | undefined | null): boolean {
  if (!url) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === `${APP_SCHEME}:` && parsed.hostname === APP_HOST && parsed.port === '' && parsed.username === '' && parsed.password === '';
}
