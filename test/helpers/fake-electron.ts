/**
 * A recording fake of the Electron modules the shell uses (src/shell/electron-api.ts). Electron cannot
 * start on these machines, so shell tests hand this to the shell modules instead of the real module and
 * then read what was called. Each fake behaves as the Electron API documents the part it stands in for:
 * app.quit() emits a preventable before-quit, a created window's contents are announced through
 * web-contents-created, closing a window emits a preventable close, nativeImage of a missing file is empty.
 */
import { existsSync } from 'node:fs';
import type {
  AppLike,
  BrowserWindowLike,
  BrowserWindowOptionsLike,
  HeadersReceivedDetails,
  HeadersReceivedResponse,
  LoginItemSettingsLike,
  MenuItemTemplate,
  NativeImageLike,
  ShellElectron,
  TrayLike,
  WebContentsLike,
} from '../../src/shell/electron-api.ts';
import { FakeEmitter, FakeEvent } from './fake-electron-base.ts';
import { FakeIpcMain, FakeProtocol } from './fake-electron-ipc.ts';

export { FakeEmitter, FakeEvent } from './fake-electron-base.ts';
export { FakeIpcMain, FakeIpcRenderer, FakeProtocol, type FakeSender } from './fake-electron-ipc.ts';

export class FakeNativeImage implements NativeImageLike {
  readonly representations: { scaleFactor: number; bytes: number }[] = [];
  constructor(readonly path: string) {}
  addRepresentation(options: { scaleFactor: number; buffer?: Buffer; dataURL?: string }): void {
    this.representations.push({ scaleFactor: options.scaleFactor, bytes: options.buffer?.length ?? options.dataURL?.length ?? 0 });
  }
  isEmpty(): boolean {
    return !existsSync(this.path);
  }
}

export class FakeNativeTheme extends FakeEmitter {
  shouldUseDarkColors = false;
  /** What the OS does when the user switches theme. */
  setDark(dark: boolean): void {
    this.shouldUseDarkColors = dark;
    this.emit('updated');
  }
}

export class FakeMenu {
  constructor(readonly template: MenuItemTemplate[]) {}
  item(id: string): MenuItemTemplate {
    const found = this.template.find((i) => i.id === id);
    if (!found) throw new Error(`no menu item ${id} in ${this.template.map((i) => i.id).join(', ')}`);
    return found;
  }
}

export class FakeTray extends FakeEmitter implements TrayLike<NativeImageLike, FakeMenu> {
  image: FakeNativeImage;
  toolTip = '';
  menu: FakeMenu | null = null;
  destroyed = false;
  readonly calls: string[] = [];
  constructor(image: NativeImageLike) {
    super();
    this.image = image as FakeNativeImage;
  }
  setImage(image: NativeImageLike): void {
    this.calls.push('setImage');
    this.image = image as FakeNativeImage;
  }
  setToolTip(toolTip: string): void {
    this.calls.push('setToolTip');
    this.toolTip = toolTip;
  }
  setContextMenu(menu: FakeMenu | null): void {
    this.calls.push('setContextMenu');
    this.menu = menu;
  }
  destroy(): void {
    this.destroyed = true;
  }
  click(): void {
    this.emit('click');
  }
}

export class FakeNotification extends FakeEmitter {
  shown = false;
  constructor(readonly options: { title: string; body: string }) {
    super();
  }
  show(): void {
    this.shown = true;
  }
  click(): void {
    this.emit('click');
  }
}

export class FakeSession {
  permissionRequestHandler: ((wc: unknown, permission: string, callback: (granted: boolean) => void, details: unknown) => void) | null | undefined;
  permissionCheckHandler: ((wc: unknown, permission: string, origin: string, details: unknown) => boolean) | null | undefined;
  headersListener: ((details: HeadersReceivedDetails, callback: (response: HeadersReceivedResponse) => void) => void) | null | undefined;
  readonly webRequest = {
    onHeadersReceived: (listener: FakeSession['headersListener']): void => {
      this.headersListener = listener;
    },
  };
  setPermissionRequestHandler(handler: FakeSession['permissionRequestHandler']): void {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: FakeSession['permissionCheckHandler']): void {
    this.permissionCheckHandler = handler;
  }
  /** What a permission request from a page gets. */
  requestPermission(permission: string): boolean | undefined {
    let answer: boolean | undefined;
    this.permissionRequestHandler?.(null, permission, (granted) => (answer = granted), {});
    return answer;
  }
  /** The headers a response ends up with after the session's onHeadersReceived listener. */
  receiveHeaders(url: string, responseHeaders: Record<string, string[]> = {}): HeadersReceivedResponse | undefined {
    let answer: HeadersReceivedResponse | undefined;
    this.headersListener?.({ url, resourceType: 'mainFrame', responseHeaders }, (r) => (answer = r));
    return answer;
  }
}

let nextWebContentsId = 1;

export class FakeWebContents extends FakeEmitter implements WebContentsLike {
  readonly id = nextWebContentsId++;
  url = '';
  destroyed = false;
  windowOpenHandler: ((details: { url: string }) => { action: 'deny' } | { action: 'allow' }) | undefined;
  readonly sent: { channel: string; args: unknown[] }[] = [];
  constructor(readonly session: FakeSession) {
    super();
  }
  getURL(): string {
    return this.url;
  }
  setWindowOpenHandler(handler: FakeWebContents['windowOpenHandler']): void {
    this.windowOpenHandler = handler;
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push({ channel, args });
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** A page trying to navigate; returns whether it was allowed (no listener prevented it). */
  navigate(url: string, kind: 'will-navigate' | 'will-redirect' = 'will-navigate'): boolean {
    const event = new FakeEvent();
    this.emit(kind, event, url);
    if (!event.defaultPrevented) this.url = url;
    return !event.defaultPrevented;
  }
  /** A page calling window.open; returns the handler's answer (Electron allows when no handler is set). */
  openWindow(url: string): 'deny' | 'allow' {
    return this.windowOpenHandler?.({ url }).action ?? 'allow';
  }
  attachWebview(): boolean {
    const event = new FakeEvent();
    this.emit('will-attach-webview', event);
    return !event.defaultPrevented;
  }
}

export class FakeBrowserWindow extends FakeEmitter implements BrowserWindowLike {
  readonly webContents: FakeWebContents;
  visible = false;
  focused = false;
  minimized = false;
  destroyed = false;
  readonly calls: string[] = [];
  constructor(readonly options: BrowserWindowOptionsLike, session: FakeSession) {
    super();
    this.webContents = new FakeWebContents(session);
  }
  async loadURL(url: string): Promise<void> {
    this.calls.push(`loadURL ${url}`);
    this.webContents.url = url;
    this.emit('ready-to-show');
  }
  show(): void {
    this.calls.push('show');
    this.visible = true;
  }
  hide(): void {
    this.calls.push('hide');
    this.visible = false;
  }
  focus(): void {
    this.calls.push('focus');
    this.focused = true;
  }
  restore(): void {
    this.calls.push('restore');
    this.minimized = false;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** The user clicking the close button; returns whether the window really closed. */
  close(): boolean {
    const event = new FakeEvent();
    this.emit('close', event);
    if (event.defaultPrevented) return false;
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.webContents.emit('destroyed');
    this.emit('closed');
    return true;
  }
}

export class FakeApp extends FakeEmitter implements AppLike {
  isPackaged = false;
  /** What requestSingleInstanceLock answers: false when another instance holds the lock. */
  lockAvailable = true;
  quitRequests = 0;
  /** True once a quit went through (no before-quit listener prevented it). */
  quitCompleted = false;
  exitCode: number | undefined;
  loginItemSettings: LoginItemSettingsLike & { wasOpenedAtLogin?: boolean } = { openAtLogin: false };
  readonly loginItemCalls: LoginItemSettingsLike[] = [];
  readonly paths = { exe: '/opt/Gateway Tray/gateway-tray', home: '/home/dev' };
  appPath = '/work/gateway-tray';

  requestSingleInstanceLock(): boolean {
    return this.lockAvailable;
  }
  async whenReady(): Promise<void> {}
  quit(): void {
    this.quitRequests += 1;
    const event = new FakeEvent();
    this.emit('before-quit', event);
    if (!event.defaultPrevented) this.quitCompleted = true;
  }
  exit(exitCode = 0): void {
    this.exitCode = exitCode;
  }
  getAppPath(): string {
    return this.appPath;
  }
  getPath(name: 'exe' | 'home'): string {
    return this.paths[name];
  }
  setLoginItemSettings(settings: LoginItemSettingsLike): void {
    this.loginItemCalls.push(settings);
    this.loginItemSettings = { ...settings };
  }
  getLoginItemSettings(): { openAtLogin: boolean; wasOpenedAtLogin?: boolean } {
    return { ...this.loginItemSettings };
  }
  /** What Electron does in the first instance when a second one starts. */
  secondInstanceStarted(): void {
    this.emit('second-instance', new FakeEvent(), ['gateway-tray'], '/');
  }
}

export interface FakeElectron extends ShellElectron<FakeMenu> {
  app: FakeApp;
  ipcMain: FakeIpcMain;
  protocol: FakeProtocol;
  nativeTheme: FakeNativeTheme;
  powerMonitor: FakeEmitter;
  /** Every Tray, window, menu, image, notification and clipboard write made through the fake. */
  trays: FakeTray[];
  windows: FakeBrowserWindow[];
  menus: FakeMenu[];
  images: FakeNativeImage[];
  notificationsShown: FakeNotification[];
  clipboardText: string[];
  defaultSession: FakeSession;
  notificationsSupported: boolean;
}

export function createFakeElectron(): FakeElectron {
  const defaultSession = new FakeSession();
  const fake: FakeElectron = {
    app: new FakeApp(),
    ipcMain: new FakeIpcMain(),
    protocol: new FakeProtocol(),
    nativeTheme: new FakeNativeTheme(),
    powerMonitor: new FakeEmitter(),
    trays: [],
    windows: [],
    menus: [],
    images: [],
    notificationsShown: [],
    clipboardText: [],
    defaultSession,
    notificationsSupported: true,
    createTray: (image) => {
      const tray = new FakeTray(image);
      fake.trays.push(tray);
      return tray;
    },
    menu: {
      buildFromTemplate: (template) => {
        const menu = new FakeMenu(template);
        fake.menus.push(menu);
        return menu;
      },
    },
    nativeImage: {
      createFromPath: (path) => {
        const image = new FakeNativeImage(path);
        fake.images.push(image);
        return image;
      },
    },
    clipboard: { writeText: (text) => void fake.clipboardText.push(text) },
    notifications: {
      isSupported: () => fake.notificationsSupported,
      create: (options) => {
        const n = new FakeNotification(options);
        fake.notificationsShown.push(n);
        return n;
      },
    },
    createWindow: (options) => {
      const win = new FakeBrowserWindow(options, defaultSession);
      fake.windows.push(win);
      // Electron announces every new web contents before the window is handed back.
      fake.app.emit('web-contents-created', new FakeEvent(), win.webContents);
      return win;
    },
  };
  return fake;
}
