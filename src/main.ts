/**
 * Electron's main entry point, kept thin: it builds the real Electron bag, the core's app service and
 * hands both to the shell. Every decision lives in src/shell's pure modules, tested under plain Node.
 */
import { app, protocol, safeStorage } from 'electron';
import { redactSecrets } from './core/log/redact.ts';
import { createAppService } from './core/app/app-service.ts';
import { APP_SCHEME, APP_SCHEME_PRIVILEGES } from './shell/app-url.ts';
import { shellServicesFrom } from './shell/app-service-adapter.ts';
import { realElectron } from './shell/electron-real.ts';
import { callerIdFor, electronEventSink } from './shell/ipc.ts';
import { startShell, type RunningShell } from './shell/shell-app.ts';
import { shellPaths } from './shell/shell-paths.ts';
import { claimSingleInstance } from './shell/single-instance.ts';
import { probeStatusNotifierWatcher, trayHostAvailable } from './shell/tray-host.ts';

const log = (message: string): void => console.log(`[gateway-tray] ${redactSecrets(message)}`);

// Must happen before "ready": the app's pages are served from gateway-tray://app/ (see app-url.ts).
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { ...APP_SCHEME_PRIVILEGES } }]);

let shell: RunningShell | undefined;
let focusWhenReady = false;

async function start(): Promise<void> {
  const paths = shellPaths({ appRoot: app.getAppPath(), isPackaged: app.isPackaged, resourcesPath: process.resourcesPath });
  // The packaged agent lives outside the asar, where Docker can bind-mount it. The launch flow reads this
  // variable from process.env itself, so it is set on this process (a user's own value wins).
  if (app.isPackaged && !process.env.GATEWAY_TRAY_AGENT_DIR) process.env.GATEWAY_TRAY_AGENT_DIR = paths.agentDir;
  const env = process.env;
  // The home's own secret store, shared with the CLI; safeStorage only lets old app tokens be moved into it.
  const service = await createAppService({ transport: 'electron', safeStorage, env, log });
  const watcher = process.platform === 'linux' ? await probeStatusNotifierWatcher(env) : undefined;
  const trayAvailable = trayHostAvailable({ platform: process.platform, override: env.GATEWAY_TRAY_TRAY, ...(watcher ? { watcher } : {}) });

  const electron = realElectron();
  electron.app.on('web-contents-created', (_event, contents) => {
    contents.on('destroyed', () => service.releaseClient(callerIdFor(contents.id)));
  });
  // A shown window is somebody looking: the status is followed closely only then (the tray alone costs
  // far less). The window hides rather than closes, so show and hide are what count.
  app.on('browser-window-created', (_event, win) => {
    let release: (() => void) | undefined;
    const shown = (): void => {
      release ??= service.look();
    };
    const hidden = (): void => {
      release?.();
      release = undefined;
    };
    win.on('show', shown);
    win.on('hide', hidden);
    win.on('closed', hidden);
    if (win.isVisible()) shown();
  });
  shell = startShell(electron, {
    services: shellServicesFrom(service),
    handlers: service.handlers,
    paths,
    trayAvailable,
    platform: process.platform,
    argv: process.argv,
    env,
    shutdown: () => service.dispose(),
    log,
  });
  service.subscribe(electronEventSink(() => (shell?.window.window ? [shell.window.window.webContents] : [])));
  if (focusWhenReady) shell.showWindow();
}

if (claimSingleInstance(app, () => (shell ? shell.showWindow() : (focusWhenReady = true)))) {
  app.whenReady().then(start).catch((err: unknown) => {
    console.error(`Gateway Tray could not start: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    app.exit(1);
  });
}
