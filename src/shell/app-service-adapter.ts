import type { AppSettings, CallerContext, EventName, EventSink } from '../contract/ipc-contract.ts';
import type { AppService } from '../core/app/app-service.ts';
import type { GatewayStatus } from '../core/status/gateway-status.ts';
import type { ShellServices, ShellSettings } from './shell-services.ts';

/** The tray's calls go through the same handler table as the window's, under their own caller id. */
export const TRAY_CALLER: CallerContext = { clientId: 'electron-tray' };

export function shellSettingsFrom(settings: AppSettings): ShellSettings {
  return {
    notifications: { enabled: settings.notifications.enabled, muted: [...settings.notifications.muted] },
    autostart: settings.autostart,
    quitBehaviour: settings.quitBehaviour,
  };
}

/**
 * Adapts the app service to the shell's small interface. The service says "status changed" as an
 * event (events invalidate); the tray then reads the snapshot, and is told only when it differs.
 */
export function shellServicesFrom(service: Pick<AppService, 'handlers' | 'subscribe' | 'currentStatus' | 'probeNow' | 'settings'>): ShellServices {
  const { handlers } = service;
  return {
    actions: {
      launch: () => handlers.launch(undefined, TRAY_CALLER),
      stop: () => handlers.stop(undefined, TRAY_CALLER),
      restart: () => handlers.restart(undefined, TRAY_CALLER),
      renewCertificate: () => handlers.renewCertificate(undefined, TRAY_CALLER),
    },
    currentStatus: () => service.currentStatus(),
    probeNow: () => service.probeNow(),
    settings: () => shellSettingsFrom(service.settings.get()),
    onStatus(listener) {
      let last: GatewayStatus | undefined;
      const sink: EventSink = (name: EventName) => {
        if (name !== 'statusChanged') return;
        const status = service.currentStatus();
        if (status && status !== last) {
          last = status;
          listener(status);
        }
      };
      return service.subscribe(sink);
    },
    onSettings(listener) {
      const sink: EventSink = (name: EventName) => {
        if (name === 'settingsChanged') listener(shellSettingsFrom(service.settings.get()));
      };
      return service.subscribe(sink);
    },
  };
}
