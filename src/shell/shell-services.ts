import type { GatewayStatus } from '../core/status/gateway-status.ts';
import type { NotificationSettings } from './notification-policy.ts';
import type { QuitBehaviour } from './quit-policy.ts';

/** The gateway operations the tray and the quit path trigger; the app service implements them. */
export interface GatewayActions {
  launch(): Promise<unknown>;
  stop(): Promise<unknown>;
  restart(): Promise<unknown>;
  renewCertificate(): Promise<unknown>;
}

/** The settings the shell itself acts on (the rest belong to the UI and the core). */
export interface ShellSettings {
  notifications: NotificationSettings;
  autostart: boolean;
  quitBehaviour: QuitBehaviour;
}

/**
 * Everything the shell needs from the core, as one small interface: main.ts adapts the app service to
 * it, and tests drive the shell with a real implementation over a plain EventEmitter.
 */
export interface ShellServices {
  actions: GatewayActions;
  /** The latest status snapshot, if one was made yet. */
  currentStatus(): GatewayStatus | undefined;
  /** Called with every new snapshot; returns an unsubscribe. */
  onStatus(listener: (status: GatewayStatus) => void): () => void;
  /** Re-checks engine, container, agent and control plane at once (resume from sleep, unlock). */
  probeNow(): Promise<unknown>;
  settings(): ShellSettings;
  /** Called after any settings change; returns an unsubscribe. */
  onSettings(listener: (settings: ShellSettings) => void): () => void;
}
