import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrayModel } from '../core/tray/tray-model.ts';
import type { NativeImageLike, NativeImageModule } from './electron-api.ts';

export interface TrayIconFiles {
  /** The 16 px image the tray is created from. */
  base: string;
  /** The 32 px image added as the scale-factor-2 representation. */
  hiDpi: string;
}

/**
 * Which files draw a state. The `-dark` set is drawn in lighter colours for dark menu bars and panels,
 * so it is chosen when the system theme is dark.
 */
export function trayIconFiles(dir: string, iconKey: TrayModel['iconKey'], dark: boolean): TrayIconFiles {
  const stem = `${iconKey}${dark ? '-dark' : ''}`;
  return { base: join(dir, `${stem}.png`), hiDpi: join(dir, `${stem}@2x.png`) };
}

/**
 * Loads a state's icon with its @2x variant added explicitly: Electron picks `@2x` siblings up by itself
 * only on some platforms, and a tray icon blurred on a HiDPI panel is the first thing a user sees.
 */
export function loadTrayIcon(nativeImage: NativeImageModule, files: TrayIconFiles): NativeImageLike {
  const image = nativeImage.createFromPath(files.base);
  if (image.isEmpty()) throw new Error(`The tray icon ${files.base} could not be loaded; reinstall Gateway Tray.`);
  image.addRepresentation({ scaleFactor: 2, buffer: readFileSync(files.hiDpi) });
  return image;
}
