import type { TrayCommand, TrayModel } from '../core/tray/tray-model.ts';
import type { MenuItemTemplate } from './electron-api.ts';

export interface TrayMenuOptions {
  onCommand: (command: TrayCommand) => void;
  /** Replaces the model's Quit label with one that says what Quit does to the gateway. */
  quitLabel?: string;
}

/**
 * Turns the plain tray model into Electron's menu template. Status lines stay at the top as disabled
 * items: AppIndicator hosts show no tooltip, so the menu is where the state is read on Linux.
 */
export function trayMenuTemplate(model: TrayModel, options: TrayMenuOptions): MenuItemTemplate[] {
  return model.menu.map((item): MenuItemTemplate => {
    switch (item.type) {
      case 'separator':
        return { id: item.id, type: 'separator' };
      case 'status':
        return { id: item.id, type: 'normal', label: item.label, enabled: false };
      case 'action': {
        const command = item.id;
        const label = command === 'quit' && options.quitLabel ? options.quitLabel : item.label;
        return { id: command, type: 'normal', label, enabled: item.enabled, click: () => options.onCommand(command) };
      }
    }
  });
}
