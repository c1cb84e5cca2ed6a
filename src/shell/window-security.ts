import { withCsp } from './csp.ts';
import { isAppUrl } from './app-url.ts';
import type { AppLike, SessionLike, WebContentsLike, WebPreferencesLike } from './electron-api.ts';

/**
 * The only webPreferences a window of ours is created with. webSecurity stays on (Podman Desktop turns
 * it off; we do not), and the renderer reaches main only through the preload's named functions.
 */
export function secureWebPreferences(preload: string): WebPreferencesLike {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    spellcheck: false,
  };
}

export interface SecurityLog {
  (message: string): void;
}

const hardenedSessions = new WeakSet<SessionLike>();

/**
 * Per session: every permission request and check is refused (the status window needs none), and the
 * app's pages get the strict CSP header. Installed once per session, however many windows share it.
 */
export function hardenSession(session: SessionLike, log: SecurityLog = () => {}): void {
  if (hardenedSessions.has(session)) return;
  hardenedSessions.add(session);
  session.setPermissionRequestHandler((_wc, permission, callback) => {
    log(`Refused a permission request: ${permission}`);
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    if (!isAppUrl(details.url)) {
      callback({});
      return;
    }
    callback({ responseHeaders: withCsp(details.responseHeaders) });
  });
}

/**
 * Per web contents: navigation and redirects away from the app's own pages are stopped, no window may
 * be opened, and <webview> is refused. Links to the web are not opened either: the UI copies them.
 */
export function hardenWebContents(contents: WebContentsLike, log: SecurityLog = () => {}): void {
  const guard = (event: { preventDefault(): void }, url: string): void => {
    if (isAppUrl(url)) return;
    event.preventDefault();
    log(`Blocked navigation to ${url}`);
  };
  contents.on('will-navigate', guard);
  contents.on('will-redirect', guard);
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    log('Blocked a <webview>');
  });
  contents.setWindowOpenHandler(({ url }) => {
    log(`Blocked a new window for ${url}`);
    return { action: 'deny' };
  });
  hardenSession(contents.session, log);
}

/**
 * Installs the restrictions on every web contents the app ever creates, through the one
 * `web-contents-created` hook, as Podman Desktop's security-restrictions does: a window added later
 * cannot forget them.
 */
export function installSecurityRestrictions(app: Pick<AppLike, 'on'>, log?: SecurityLog): void {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, log));
}
