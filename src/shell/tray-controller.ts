import type { GatewayStatus } from '../core/status/gateway-status.ts';
import { trayModel, type TrayCommand } from '../core/tray/tray-model.ts';
import type { MenuModule, NativeImageLike, NativeImageModule, NativeThemeLike, TrayFactory, TrayLike } from './electron-api.ts';
import { loadTrayIcon, trayIconFiles } from './tray-icon.ts';
import { trayMenuTemplate } from './tray-menu.ts';

export interface TrayControllerOptions<TMenu> {
  createTray: TrayFactory<NativeImageLike, TMenu>;
  menu: MenuModule<TMenu>;
  nativeImage: NativeImageModule;
  nativeTheme: NativeThemeLike;
  /** assets/tray, or its copy in the packaged app's resources. */
  iconDir: string;
  onCommand: (command: TrayCommand) => void;
  /** Left click (Windows, some Linux hosts): open the status window. */
  onClick: () => void;
  quitLabel?: (status: GatewayStatus) => string;
}

/**
 * Owns the one Tray. Every status change and every theme change rebuilds the whole menu and resets the
 * icon: Linux hosts ignore edits to a menu already handed over, so nothing is patched in place.
 */
export class TrayController<TMenu = unknown> {
  readonly #o: TrayControllerOptions<TMenu>;
  readonly #tray: TrayLike<NativeImageLike, TMenu>;
  #status: GatewayStatus;
  readonly #onTheme = (): void => this.#render();

  constructor(options: TrayControllerOptions<TMenu>, initial: GatewayStatus) {
    this.#o = options;
    this.#status = initial;
    this.#tray = options.createTray(this.#icon(initial));
    this.#tray.on('click', () => options.onClick());
    options.nativeTheme.on('updated', this.#onTheme);
    this.#render();
  }

  get status(): GatewayStatus {
    return this.#status;
  }

  update(status: GatewayStatus): void {
    this.#status = status;
    this.#render();
  }

  /** Re-renders with the current status, e.g. after the quit behaviour setting changed. */
  refresh(): void {
    this.#render();
  }

  dispose(): void {
    this.#o.nativeTheme.removeListener('updated', this.#onTheme);
    this.#tray.destroy();
  }

  #icon(status: GatewayStatus): NativeImageLike {
    const files = trayIconFiles(this.#o.iconDir, trayModel(status).iconKey, this.#o.nativeTheme.shouldUseDarkColors);
    return loadTrayIcon(this.#o.nativeImage, files);
  }

  #render(): void {
    const model = trayModel(this.#status);
    this.#tray.setImage(this.#icon(this.#status));
    this.#tray.setToolTip(model.tooltip);
    const quitLabel = this.#o.quitLabel?.(this.#status);
    const template = trayMenuTemplate(model, { onCommand: this.#o.onCommand, ...(quitLabel ? { quitLabel } : {}) });
    this.#tray.setContextMenu(this.#o.menu.buildFromTemplate(template));
  }
}
