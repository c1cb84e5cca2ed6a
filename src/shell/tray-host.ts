import { execFile } from 'node:child_process';

/** What the StatusNotifier probe found on the session bus. */
export type WatcherAnswer = 'host-registered' | 'no-host' | 'no-watcher' | 'probe-failed';

export interface TrayHostInputs {
  platform: NodeJS.Platform;
  /** GATEWAY_TRAY_TRAY=on|off forces the answer (an XEmbed-only panel, a kiosk session, tests). */
  override?: string | undefined;
  watcher?: WatcherAnswer;
  /** Creating the Tray threw. */
  creationFailed?: boolean;
}

/**
 * Whether a tray icon will be visible. macOS and Windows always have one. On Linux, Electron draws
 * through the StatusNotifier protocol, so a tray exists when a StatusNotifierWatcher has a host
 * registered. When that cannot be confirmed, the answer is "no tray": closing the window then quits,
 * which beats an app left running with nothing on screen.
 */
export function trayHostAvailable(inputs: TrayHostInputs): boolean {
  if (inputs.creationFailed) return false;
  const forced = inputs.override?.trim().toLowerCase();
  if (forced === 'on' || forced === '1' || forced === 'true') return true;
  if (forced === 'off' || forced === '0' || forced === 'false') return false;
  if (inputs.platform === 'darwin' || inputs.platform === 'win32') return true;
  return inputs.watcher === 'host-registered';
}

/** Reads `dbus-send --print-reply=literal` output of the IsStatusNotifierHostRegistered property. */
export function parseWatcherReply(stdout: string): WatcherAnswer {
  const m = /boolean\s+(true|false)/.exec(stdout);
  if (!m) return 'probe-failed';
  return m[1] === 'true' ? 'host-registered' : 'no-host';
}

/** Asks the session bus, bounded by a timeout; never throws. */
export function probeStatusNotifierWatcher(env: NodeJS.ProcessEnv = process.env, timeoutMs = 2000): Promise<WatcherAnswer> {
  const args = [
    '--session',
    '--print-reply=literal',
    `--reply-timeout=${timeoutMs}`,
    '--dest=org.kde.StatusNotifierWatcher',
    '/StatusNotifierWatcher',
    'org.freedesktop.DBus.Properties.Get',
    'string:org.kde.StatusNotifierWatcher',
    'string:IsStatusNotifierHostRegistered',
  ];
  return new Promise((resolve) => {
    execFile('dbus-send', args, { env, timeout: timeoutMs + 500 }, (err, stdout, stderr) => {
      if (!err) {
        resolve(parseWatcherReply(stdout));
        return;
      }
      resolve(/ServiceUnknown|NameHasNoOwner|was not provided by any \.service files/.test(`${stderr}`) ? 'no-watcher' : 'probe-failed');
    });
  });
}
