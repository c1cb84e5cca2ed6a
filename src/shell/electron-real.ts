import { app, BrowserWindow, clipboard, ipcMain, Menu, nativeImage, nativeTheme, Notification, powerMonitor, protocol, Tray } from 'electron';
import type { ShellElectron } from './electron-api.ts';

/**
 * The real Electron modules as the shell's interfaces. Assigning them here is where the type checker
 * proves the narrow interfaces in electron-api.ts match Electron's own.
 */
export function realElectron(): ShellElectron<Electron.Menu> {
  return {
    app,
    ipcMain,
    protocol,
    createTray: (image) => {
      // Every image the shell hands over came from nativeImage.createFromPath, so it is a NativeImage.
      const tray = new Tray(image as Electron.NativeImage);
      return {
        setImage: (next) => tray.setImage(next as Electron.NativeImage),
        setToolTip: (text) => tray.setToolTip(text),
        setContextMenu: (menu) => tray.setContextMenu(menu),
        on: (event, listener) => tray.on(event, listener),
        destroy: () => tray.destroy(),
      };
    },
    menu: { buildFromTemplate: (template) => Menu.buildFromTemplate(template) },
    nativeImage,
    nativeTheme,
    clipboard,
    notifications: { isSupported: () => Notification.isSupported(), create: (options) => new Notification(options) },
    powerMonitor,
    createWindow: (options) => new BrowserWindow(options),
  };
}
