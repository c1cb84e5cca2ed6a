import { t } from '../contract/i18n.ts';
import type { QuitBehaviour } from '../contract/ipc-contract.ts';
import type { GatewayStatus } from '../core/status/gateway-status.ts';

/** What quitting the app does to a running gateway: a setting (the contract's), shown wherever Quit is. */
export type { QuitBehaviour };

export const DEFAULT_QUIT_BEHAVIOUR: QuitBehaviour = 'leave-running';

export interface QuitPlan {
  /** Stop the gateway before the app exits. */
  stopGateway: boolean;
  /** One line for logs and the UI: what this quit does. */
  summary: string;
}

/** Whether there is a gateway container to act on at all. */
function gatewayPresent(status: GatewayStatus | undefined): boolean {
  return status !== undefined && status.containerId !== undefined && status.state !== 'stopped';
}

/**
 * The default leaves the gateway running: it is a Docker container that serves traffic on its own, and
 * the app adopts it again on its next start. Stopping on quit is for users who want nothing left behind.
 */
export function quitPlan(behaviour: QuitBehaviour, status: GatewayStatus | undefined): QuitPlan {
  if (!gatewayPresent(status)) return { stopGateway: false, summary: 'No gateway is running; quitting leaves nothing behind.' };
  if (behaviour === 'stop-gateway') return { stopGateway: true, summary: 'Quitting stops the gateway container first.' };
  return { stopGateway: false, summary: 'Quitting leaves the gateway running in Docker; the app finds it again on its next start.' };
}

/** The tray's Quit label names what it does, so nobody stops (or keeps) a gateway by surprise. */
export function quitMenuLabel(behaviour: QuitBehaviour, status: GatewayStatus | undefined): string {
  if (!gatewayPresent(status)) return t('tray.quit');
  return behaviour === 'stop-gateway' ? t('tray.quit.stopGateway') : t('tray.quit.leaveRunning');
}

export type CloseAction = 'hide' | 'quit';

/**
 * Closing the status window hides it while a tray icon can bring it back. Without a tray host (a Linux
 * desktop with no StatusNotifier/AppIndicator host), a hidden window could never be reached again, so
 * closing it quits the app (which then follows the quit behaviour).
 */
export function closeWindowAction(options: { trayAvailable: boolean; quitting: boolean }): CloseAction {
  if (options.quitting) return 'quit';
  return options.trayAvailable ? 'hide' : 'quit';
}

/**
 * A login start (`--hidden`, or macOS telling us it opened the app at login) stays in the tray, but only
 * when there is a tray: otherwise the app would be running with nothing on screen.
 */
export function showWindowAtStart(options: { argv: readonly string[]; openedAtLogin?: boolean; trayAvailable: boolean }): boolean {
  if (!options.trayAvailable) return true;
  const hidden = options.argv.includes('--hidden') || options.openedAtLogin === true;
  return !hidden;
}
