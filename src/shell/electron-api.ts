/**
 * The part of Electron the shell uses, as narrow interfaces. main.ts hands in the real `electron`
 * module (the type checker proves it fits); tests hand in test/helpers/fake-electron.ts, which records
 * every call. Nothing here imports electron at runtime, so every shell module runs under plain Node.
 */

export interface PreventableEvent {
  preventDefault(): void;
}

export interface NativeImageLike {
  addRepresentation(options: { scaleFactor: number; buffer?: Buffer; dataURL?: string }): void;
  isEmpty(): boolean;
}

export interface NativeImageModule {
  createFromPath(path: string): NativeImageLike;
}

export interface NativeThemeLike {
  readonly shouldUseDarkColors: boolean;
  on(event: 'updated', listener: () => void): unknown;
  removeListener(event: 'updated', listener: () => void): unknown;
}

/** A menu item as Menu.buildFromTemplate takes it (only the fields the shell sets). */
export interface MenuItemTemplate {
  id?: string;
  type?: 'normal' | 'separator';
  label?: string;
  enabled?: boolean;
  toolTip?: string;
  click?: () => void;
}

export interface MenuModule<TMenu = unknown> {
  buildFromTemplate(template: MenuItemTemplate[]): TMenu;
}

export interface TrayLike<TImage = NativeImageLike, TMenu = unknown> {
  setImage(image: TImage): void;
  setToolTip(toolTip: string): void;
  setContextMenu(menu: TMenu | null): void;
  on(event: 'click', listener: () => void): unknown;
  destroy(): void;
}

export type TrayFactory<TImage = NativeImageLike, TMenu = unknown> = (image: TImage) => TrayLike<TImage, TMenu>;

export interface ClipboardLike {
  writeText(text: string): void;
}

export interface NotificationLike {
  show(): void;
  on(event: 'click', listener: () => void): unknown;
}

export interface NotificationModule {
  isSupported(): boolean;
  create(options: { title: string; body: string; silent?: boolean }): NotificationLike;
}

export interface PowerMonitorLike {
  on(event: 'resume' | 'unlock-screen', listener: () => void): unknown;
  removeListener(event: 'resume' | 'unlock-screen', listener: () => void): unknown;
}

export interface HeadersReceivedDetails {
  url: string;
  resourceType?: string;
  responseHeaders?: Record<string, string[]>;
}

export interface HeadersReceivedResponse {
  cancel?: boolean;
  responseHeaders?: Record<string, string | string[]>;
}

export interface SessionLike {
  setPermissionRequestHandler(
    handler: ((webContents: unknown, permission: string, callback: (granted: boolean) => void, details: unknown) => void) | null,
  ): void;
  setPermissionCheckHandler(handler: ((webContents: unknown, permission: string, requestingOrigin: string, details: unknown) => boolean) | null): void;
  webRequest: {
    onHeadersReceived(listener: ((details: HeadersReceivedDetails, callback: (response: HeadersReceivedResponse) => void) => void) | null): void;
  };
}

export interface WebContentsLike {
  readonly id: number;
  readonly session: SessionLike;
  getURL(): string;
  on(event: 'will-navigate' | 'will-redirect', listener: (event: PreventableEvent, url: string) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown;
  on(event: 'destroyed', listener: () => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' } | { action: 'allow' }): void;
  send(channel: string, ...args: unknown[]): void;
  isDestroyed(): boolean;
}

export interface WebPreferencesLike {
  preload?: string;
  contextIsolation?: boolean;
  sandbox?: boolean;
  nodeIntegration?: boolean;
  nodeIntegrationInWorker?: boolean;
  nodeIntegrationInSubFrames?: boolean;
  webSecurity?: boolean;
  allowRunningInsecureContent?: boolean;
  webviewTag?: boolean;
  experimentalFeatures?: boolean;
  spellcheck?: boolean;
}

export interface BrowserWindowOptionsLike {
  width?: number;
  height?: number;
  minWidth?: number;
  minHeight?: number;
  show?: boolean;
  title?: string;
  autoHideMenuBar?: boolean;
  backgroundColor?: string;
  webPreferences?: WebPreferencesLike;
}

export interface BrowserWindowLike {
  readonly webContents: WebContentsLike;
  loadURL(url: string): Promise<void>;
  show(): void;
  hide(): void;
  focus(): void;
  restore(): void;
  isMinimized(): boolean;
  isDestroyed(): boolean;
  on(event: 'close', listener: (event: PreventableEvent) => void): unknown;
  on(event: 'closed', listener: () => void): unknown;
  once(event: 'ready-to-show', listener: () => void): unknown;
}

export type BrowserWindowFactory = (options: BrowserWindowOptionsLike) => BrowserWindowLike;

export interface LoginItemSettingsLike {
  openAtLogin: boolean;
  /** Deprecated by Electron on macOS 13+, still honoured before that. */
  openAsHidden?: boolean;
  args?: string[];
}

export interface AppLike {
  readonly isPackaged: boolean;
  requestSingleInstanceLock(): boolean;
  whenReady(): Promise<unknown>;
  quit(): void;
  exit(exitCode?: number): void;
  getAppPath(): string;
  getPath(name: 'exe' | 'home'): string;
  setLoginItemSettings(settings: LoginItemSettingsLike): void;
  getLoginItemSettings(): { openAtLogin: boolean; wasOpenedAtLogin?: boolean; wasOpenedAsHidden?: boolean };
  on(event: 'second-instance', listener: () => void): unknown;
  on(event: 'web-contents-created', listener: (event: unknown, contents: WebContentsLike) => void): unknown;
  on(event: 'window-all-closed' | 'activate', listener: () => void): unknown;
  on(event: 'before-quit', listener: (event: PreventableEvent) => void): unknown;
}

/** What an ipcMain.handle listener receives, reduced to the sender check's needs. */
export interface IpcInvokeEventLike {
  readonly senderFrame: { readonly url: string } | null;
  readonly sender: { readonly id: number };
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcInvokeEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export interface ProtocolLike {
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
}

/** Every Electron module the shell uses, in one bag (main.ts builds it from the real module). */
export interface ShellElectron<TMenu = unknown> {
  app: AppLike;
  ipcMain: IpcMainLike;
  protocol: ProtocolLike;
  createTray: TrayFactory<NativeImageLike, TMenu>;
  menu: MenuModule<TMenu>;
  nativeImage: NativeImageModule;
  nativeTheme: NativeThemeLike;
  clipboard: ClipboardLike;
  notifications: NotificationModule;
  powerMonitor: PowerMonitorLike;
  createWindow: BrowserWindowFactory;
}
