import {
  ContractError,
  errorEnvelope,
  eventChannel,
  INVOKE_NAMES,
  invokeChannel,
  okEnvelope,
  parseArg,
  type CallerContext,
  type Envelope,
  type EventName,
  type EventSink,
  type HandlerTable,
  type InvokeName,
  type PayloadOf,
} from '../contract/ipc-contract.ts';
import { isAppUrl } from './app-url.ts';
import type { IpcInvokeEventLike, IpcMainLike, WebContentsLike } from './electron-api.ts';

/** The Electron transport's caller id: one per web contents, so per-window state is released with it. */
export const callerIdFor = (webContentsId: number): string => `electron-${webContentsId}`;

/** Names where a call came from without quoting a whole URL (it may carry tokens in its query). */
function describeOrigin(url: string | undefined): string {
  if (!url) return 'a frame that no longer exists';
  try {
    const u = new URL(url);
    return u.host ? `${u.protocol}//${u.host}` : u.protocol;
  } catch {
    return 'an unparseable address';
  }
}

/**
 * Checks who is calling: only a frame showing the app's own page may use the API. A frame that
 * navigated elsewhere (or an iframe of some other origin) is refused, and so is a destroyed frame.
 */
export function checkSender(event: IpcInvokeEventLike): CallerContext {
  const url = event.senderFrame?.url;
  if (!isAppUrl(url)) {
    throw new ContractError(`Refused an IPC call from ${describeOrigin(url)}: only Gateway Tray's own pages may call the app.`, 'foreign-sender');
  }
  return { clientId: callerIdFor(event.sender.id) };
}

/**
 * One channel's listener: sender first, then the argument against the contract's schema, then the
 * handler. Whatever happens, the answer is an envelope: Electron would otherwise flatten a thrown
 * error into an opaque "Error invoking remote method" string.
 */
export function invokeListener<N extends InvokeName>(name: N, handlers: HandlerTable, onError?: (name: N, err: unknown) => void) {
  return async (event: IpcInvokeEventLike, ...args: unknown[]): Promise<Envelope<unknown>> => {
    try {
      const caller = checkSender(event);
      if (args.length > 1) throw new ContractError(`Invalid argument for ${name}: expected at most one argument, got ${args.length}.`, 'bad-argument');
      const arg = parseArg(name, args[0]);
      const handler = handlers[name] as (a: typeof arg, c: CallerContext) => Promise<unknown>;
      return okEnvelope(await handler(arg, caller));
    } catch (err) {
      onError?.(name, err);
      return errorEnvelope(err);
    }
  };
}

/** Registers every request channel of the contract; returns a function that removes them all. */
export function registerIpc(ipcMain: IpcMainLike, handlers: HandlerTable, options: { onError?: (name: InvokeName, err: unknown) => void } = {}): () => void {
  for (const name of INVOKE_NAMES) ipcMain.handle(invokeChannel(name), invokeListener(name, handlers, options.onError));
  return () => {
    for (const name of INVOKE_NAMES) ipcMain.removeHandler(invokeChannel(name));
  };
}

/**
 * The app service's event sink for Electron: each event goes to every live web contents that shows the
 * app's own page (never to a contents that navigated away).
 */
export function electronEventSink(targets: () => Iterable<WebContentsLike>): EventSink {
  return <E extends EventName>(name: E, payload: PayloadOf<E>): void => {
    for (const contents of targets()) {
      if (contents.isDestroyed() || !isAppUrl(contents.getURL())) continue;
      contents.send(eventChannel(name), payload);
    }
  };
}
