import type { HandlerTable } from '../contract/ipc-contract.ts';
import type { GatewayStatus } from '../core/status/gateway-status.ts';
import type { TrayCommand } from '../core/tray/tray-model.ts';
import { serveAppRequest } from './app-protocol.ts';
import { APP_INDEX_URL, APP_SCHEME } from './app-url.ts';
import { applyAutostart, autostartCommand, autostartPlan } from './autostart.ts';
import type { ShellElectron } from './electron-api.ts';
import { registerIpc } from './ipc.ts';
import { StatusNotifier } from './notifier.ts';
import { reprobeOnWake } from './power-events.ts';
import { quitMenuLabel, quitPlan, showWindowAtStart } from './quit-policy.ts';
import type { ShellServices, ShellSettings } from './shell-services.ts';
import { StatusWindow } from './status-window.ts';
import { runTrayCommand } from './tray-actions.ts';
import { TrayController } from './tray-controller.ts';
import { installSecurityRestrictions } from './window-security.ts';

export interface ShellPaths {
  iconDir: string;
  /** The bundled CommonJS preload (dist/preload.cjs). */
  preload: string;
  /** The renderer's build folder (renderer/dist). */
  rendererDir: string;
}

export interface ShellOptions {
  services: ShellServices;
  handlers: HandlerTable;
  paths: ShellPaths;
  /** From tray-host.ts: whether a tray icon will be visible at all. */
  trayAvailable: boolean;
  platform: NodeJS.Platform;
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  home?: string;
  /** Releases the core (watchers, the embedded control plane) on quit. */
  shutdown: () => Promise<void>;
  /** Upper bound on stopping the gateway and shutting down at quit. */
  quitTimeoutMs?: number;
  log?: (message: string) => void;
}

export interface RunningShell {
  showWindow(): void;
  readonly trayAvailable: boolean;
  readonly window: StatusWindow;
  readonly notifier: StatusNotifier;
  readonly tray: TrayController | undefined;
}

const fallbackStatus = (): GatewayStatus => ({ state: 'starting', reasons: [{ code: 'checking', message: 'Starting Gateway Tray…' }], profile: 'local', engine: { ready: false }, at: Date.now() });

function withTimeout(work: Promise<unknown>, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Wires the shell together once the app is ready: security restrictions, the app:// pages, IPC, the
 * tray, notifications, autostart, wake-up probes and the quit path. Every decision is made by the pure
 * modules it calls; this file only connects them.
 */
export function startShell(electron: ShellElectron, options: ShellOptions): RunningShell {
  const { app } = electron;
  const { services } = options;
  const log = options.log ?? (() => {});
  let settings: ShellSettings = services.settings();
  let quitting = false;
  let cleanedUp = false;
  let cleanup: Promise<unknown> | undefined;
  let trayAvailable = options.trayAvailable;

  installSecurityRestrictions(app, log);
  electron.protocol.handle(APP_SCHEME, (request) => serveAppRequest(options.paths.rendererDir, request));
  const unregisterIpc = registerIpc(electron.ipcMain, options.handlers, { onError: (name, err) => log(`IPC ${name} failed: ${err instanceof Error ? err.message : String(err)}`) });

  const window = new StatusWindow({
    createWindow: electron.createWindow,
    preload: options.paths.preload,
    url: APP_INDEX_URL,
    trayAvailable: () => trayAvailable,
    quitting: () => quitting,
    quit: () => app.quit(),
    onLoadError: (err) => log(`The status window did not load: ${err instanceof Error ? err.message : String(err)}`),
  });
  const notifier = new StatusNotifier({ notifications: electron.notifications, settings: () => settings.notifications, onClick: () => window.show() });

  const onCommand = (command: TrayCommand): void => {
    void runTrayCommand(command, {
      actions: services.actions,
      status: () => services.currentStatus(),
      clipboard: electron.clipboard,
      openWindow: () => window.show(),
      quit: () => app.quit(),
      onError: (cmd, err) => notifier.error(`Gateway Tray could not ${cmd.replace('-', ' ')}`, err.message),
    });
  };

  let tray: TrayController | undefined;
  if (trayAvailable) {
    try {
      tray = new TrayController(
        {
          createTray: electron.createTray,
          menu: electron.menu,
          nativeImage: electron.nativeImage,
          nativeTheme: electron.nativeTheme,
          iconDir: options.paths.iconDir,
          onCommand,
          onClick: () => window.show(),
          quitLabel: (status) => quitMenuLabel(settings.quitBehaviour, status),
        },
        services.currentStatus() ?? fallbackStatus(),
      );
    } catch (err) {
      trayAvailable = false;
      log(`No tray icon (${err instanceof Error ? err.message : String(err)}); closing the window will quit.`);
    }
  }

  // The status at start is the baseline transitions are measured from; it notifies nothing itself.
  const initial = services.currentStatus();
  if (initial) notifier.observe(initial);
  const unsubscribeStatus = services.onStatus((status) => {
    tray?.update(status);
    notifier.observe(status);
  });

  const reconcileAutostart = (enabled: boolean): void => {
    try {
      const command = autostartCommand({ execPath: app.getPath('exe'), isPackaged: app.isPackaged, appPath: app.getAppPath(), env: options.env });
      applyAutostart(autostartPlan({ enabled, platform: options.platform, command, env: options.env, ...(options.home ? { home: options.home } : {}) }), app);
    } catch (err) {
      log(`Autostart could not be ${enabled ? 'enabled' : 'disabled'}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  reconcileAutostart(settings.autostart);
  const unsubscribeSettings = services.onSettings((next) => {
    const autostartChanged = next.autostart !== settings.autostart;
    settings = next;
    if (autostartChanged) reconcileAutostart(next.autostart);
    tray?.refresh();
  });

  const stopWatchingPower = reprobeOnWake(electron.powerMonitor, () => services.probeNow(), (err) => log(`Re-probe after wake-up failed: ${String(err)}`));

  app.on('window-all-closed', () => {
    // With a tray the app lives on in it; without one nothing would be left on screen.
    if (!trayAvailable) app.quit();
  });
  app.on('activate', () => window.show());
  app.on('before-quit', (event) => {
    quitting = true;
    if (cleanedUp) return;
    // Quitting waits for the quit behaviour and the core's shutdown; a second Quit meanwhile is absorbed.
    event.preventDefault();
    if (cleanup) return;
    const plan = quitPlan(settings.quitBehaviour, services.currentStatus());
    log(plan.summary);
    const work = (async () => {
      if (plan.stopGateway) await services.actions.stop().catch((err: unknown) => log(`Stopping the gateway at quit failed: ${String(err)}`));
      unsubscribeStatus();
      unsubscribeSettings();
      stopWatchingPower();
      unregisterIpc();
      tray?.dispose();
      await options.shutdown().catch((err: unknown) => log(`Shutdown failed: ${String(err)}`));
    })();
    cleanup = withTimeout(work, options.quitTimeoutMs ?? 20_000).finally(() => {
      cleanedUp = true;
      app.quit();
    });
  });

  const openedAtLogin = options.platform === 'darwin' ? app.getLoginItemSettings().wasOpenedAtLogin === true : false;
  window.ensure(showWindowAtStart({ argv: options.argv, openedAtLogin, trayAvailable }));

  return {
    showWindow: () => window.show(),
    get trayAvailable() {
      return trayAvailable;
    },
    window,
    notifier,
    tray,
  };
}
