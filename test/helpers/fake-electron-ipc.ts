/** The IPC and protocol parts of the recording Electron fake (see fake-electron.ts). */
import type { IpcInvokeEventLike, IpcMainLike } from '../../src/shell/electron-api.ts';
import { FakeEmitter } from './fake-electron-base.ts';

export interface FakeSender {
  /** The sending frame's URL; null stands for a frame that was destroyed or navigated away. */
  frameUrl: string | null;
  webContentsId?: number;
}

export class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, (event: IpcInvokeEventLike, ...args: unknown[]) => unknown>();
  readonly removed: string[] = [];
  handle(channel: string, listener: (event: IpcInvokeEventLike, ...args: unknown[]) => unknown): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.removed.push(channel);
    this.handlers.delete(channel);
  }
  /** What ipcRenderer.invoke does from a frame: runs the handler and resolves with its (awaited) value. */
  async invoke(sender: FakeSender, channel: string, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`Error invoking remote method '${channel}': No handler registered for '${channel}'`);
    const event: IpcInvokeEventLike = { senderFrame: sender.frameUrl === null ? null : { url: sender.frameUrl }, sender: { id: sender.webContentsId ?? 1 } };
    return await handler(event, ...args);
  }
}

/** The renderer side: ipcRenderer as the preload sees it, wired to a FakeIpcMain as one frame. */
export class FakeIpcRenderer extends FakeEmitter {
  constructor(
    readonly main: FakeIpcMain,
    readonly sender: FakeSender,
  ) {
    super();
  }
  invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    return this.main.invoke(this.sender, channel, ...args);
  }
  /** Main sending an event to this frame (webContents.send). */
  deliver(channel: string, ...args: unknown[]): void {
    this.emit(channel, { sender: 'ipc-renderer-event' }, ...args);
  }
}

export class FakeProtocol {
  readonly handlers = new Map<string, (request: Request) => Response | Promise<Response>>();
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void {
    this.handlers.set(scheme, handler);
  }
  async fetch(url: string): Promise<Response> {
    const scheme = new URL(url).protocol.replace(/:$/, '');
    const handler = this.handlers.get(scheme);
    if (!handler) throw new Error(`no protocol handler for ${scheme}`);
    return handler(new Request(url));
  }
}
