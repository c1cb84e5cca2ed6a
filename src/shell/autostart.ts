import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AppLike } from './electron-api.ts';

/** The flag a login start carries; the app then stays in the tray. */
export const HIDDEN_FLAG = '--hidden';
export const AUTOSTART_FILE_NAME = 'gateway-tray.desktop';

export interface LaunchCommand {
  executable: string;
  args: string[];
}

/**
 * What a login start runs. A packaged AppImage is started through $APPIMAGE: its own executable lives in
 * a mount point that changes on every run. An unpackaged app is Electron plus the app folder.
 */
export function autostartCommand(options: { execPath: string; isPackaged: boolean; appPath: string; env: NodeJS.ProcessEnv }): LaunchCommand {
  const appImage = options.env.APPIMAGE?.trim();
  if (options.isPackaged && appImage) return { executable: appImage, args: [HIDDEN_FLAG] };
  if (options.isPackaged) return { executable: options.execPath, args: [HIDDEN_FLAG] };
  return { executable: options.execPath, args: [options.appPath, HIDDEN_FLAG] };
}

/**
 * Quotes one Exec argument as the Desktop Entry spec asks: `%` doubled, and an argument with reserved
 * characters double-quoted with `"`, backquote, `$` and backslash escaped inside.
 */
export function quoteExecArg(arg: string): string {
  if (/[\n\r]/.test(arg)) throw new Error(`An autostart argument cannot contain a line break: ${JSON.stringify(arg)}`);
  const escaped = arg.replace(/%/g, '%%');
  if (!/[\s"'\\><~|&;$*?#()`]/.test(escaped) && escaped.length > 0) return escaped;
  return `"${escaped.replace(/(["`$\\])/g, '\\$1')}"`;
}

/** The XDG autostart entry for Linux desktops. */
export function autostartDesktopEntry(command: LaunchCommand): string {
  // The string-level escape applies on top of the quoting, so each backslash is written twice again.
  const exec = [command.executable, ...command.args].map(quoteExecArg).join(' ').replace(/\\/g, '\\\\');
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Version=1.0',
    'Name=Gateway Tray',
    'Comment=Local APISIX gateway status in the system tray',
    `Exec=${exec}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** `$XDG_CONFIG_HOME/autostart`, or `~/.config/autostart` (the spec's default). */
export function autostartDir(env: NodeJS.ProcessEnv, home: string = env.HOME ?? homedir()): string {
  const config = env.XDG_CONFIG_HOME?.trim();
  return join(config && config.startsWith('/') ? config : join(home, '.config'), 'autostart');
}

export type AutostartPlan =
  | { kind: 'login-item'; settings: { openAtLogin: boolean; openAsHidden: boolean; args: string[] } }
  | { kind: 'xdg-entry'; path: string; content: string | null }
  | { kind: 'unsupported'; reason: string };

/**
 * Autostart is opt-in: nothing is registered until the user turns it on, and turning it off removes
 * what was registered. macOS and Windows use login items; Linux an XDG autostart entry.
 */
export function autostartPlan(options: {
  enabled: boolean;
  platform: NodeJS.Platform;
  command: LaunchCommand;
  env: NodeJS.ProcessEnv;
  home?: string;
}): AutostartPlan {
  if (options.platform === 'darwin' || options.platform === 'win32') {
    // args reach the app on Windows only; macOS reports a login start through getLoginItemSettings().
    return { kind: 'login-item', settings: { openAtLogin: options.enabled, openAsHidden: options.enabled, args: options.enabled ? [HIDDEN_FLAG] : [] } };
  }
  if (options.platform === 'linux' || options.platform === 'freebsd' || options.platform === 'openbsd') {
    const path = join(autostartDir(options.env, options.home), AUTOSTART_FILE_NAME);
    return { kind: 'xdg-entry', path, content: options.enabled ? autostartDesktopEntry(options.command) : null };
  }
  return { kind: 'unsupported', reason: `Starting at login is not supported on ${options.platform}.` };
}

/** Carries a plan out: the only part of autostart with side effects. */
export function applyAutostart(plan: AutostartPlan, app: Pick<AppLike, 'setLoginItemSettings'>): void {
  switch (plan.kind) {
    case 'login-item':
      app.setLoginItemSettings(plan.settings);
      return;
    case 'xdg-entry':
      if (plan.content === null) {
        if (existsSync(plan.path)) rmSync(plan.path);
        return;
      }
      mkdirSync(join(plan.path, '..'), { recursive: true });
      writeFileSync(plan.path, plan.content, { mode: 0o644 });
      return;
    case 'unsupported':
      throw new Error(plan.reason);
  }
}
