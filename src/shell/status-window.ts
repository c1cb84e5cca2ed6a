import type { BrowserWindowFactory, BrowserWindowLike } from './electron-api.ts';
import { closeWindowAction } from './quit-policy.ts';
import { secureWebPreferences } from './window-security.ts';

export interface StatusWindowOptions {
  createWindow: BrowserWindowFactory;
  preload: string;
  url: string;
  trayAvailable: () => boolean;
  /** True once the app is quitting: the close then goes through. */
  quitting: () => boolean;
  /** Closing without a tray host quits the app. */
  quit: () => void;
  onLoadError?: (err: unknown) => void;
}

/**
 * The one status window: created on first use, hidden (not destroyed) on close while the tray can bring
 * it back, and focused when asked again (tray, second start, notification click).
 */
export class StatusWindow {
  readonly #o: StatusWindowOptions;
  #window: BrowserWindowLike | undefined;

  constructor(options: StatusWindowOptions) {
    this.#o = options;
  }

  get window(): BrowserWindowLike | undefined {
    return this.#window && !this.#window.isDestroyed() ? this.#window : undefined;
  }

  /** Creates the window if needed; shows it only when `visible` (a login start stays hidden). */
  ensure(visible: boolean): BrowserWindowLike {
    const existing = this.window;
    if (existing) {
      if (visible) this.#focus(existing);
      return existing;
    }
    const win = this.#o.createWindow({
      width: 960,
      height: 680,
      minWidth: 640,
      minHeight: 480,
      show: false,
      title: 'Gateway Tray',
      autoHideMenuBar: true,
      webPreferences: secureWebPreferences(this.#o.preload),
    });
    this.#window = win;
    win.on('close', (event) => {
      if (closeWindowAction({ trayAvailable: this.#o.trayAvailable(), quitting: this.#o.quitting() }) === 'hide') {
        event.preventDefault();
        win.hide();
        return;
      }
      if (!this.#o.quitting()) {
        event.preventDefault();
        this.#o.quit();
      }
    });
    win.on('closed', () => {
      if (this.#window === win) this.#window = undefined;
    });
    if (visible) win.once('ready-to-show', () => this.#focus(win));
    win.loadURL(this.#o.url).catch((err: unknown) => this.#o.onLoadError?.(err));
    return win;
  }

  show(): void {
    this.ensure(true);
  }

  #focus(win: BrowserWindowLike): void {
    if (win.isMinimized()) win.restore();
    win.show();
    win.focus();
  }
}
