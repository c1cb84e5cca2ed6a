import {
  ContractError,
  eventChannel,
  INVOKE_NAMES,
  invokeChannel,
  isEventName,
  unwrapEnvelope,
  type EventName,
  type GatewayTrayApi,
  type PayloadOf,
} from '../contract/ipc-contract.ts';

/** The part of ipcRenderer the preload uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/**
 * Builds `window.gatewayTray` from the contract: every request becomes a named function that sends at
 * most one argument and unwraps the envelope (an error is rebuilt as an Error; note that contextBridge
 * keeps only its message when it crosses into the page). Events are delivered without Electron's event
 * object, which would hand the page a reference to ipcRenderer's sender.
 */
export function buildPreloadApi(ipc: IpcRendererLike): GatewayTrayApi {
  const api: Record<string, unknown> = {};
  for (const name of INVOKE_NAMES) {
    api[name] = async (arg?: unknown) => unwrapEnvelope(await (arg === undefined ? ipc.invoke(invokeChannel(name)) : ipc.invoke(invokeChannel(name), arg)));
  }
  api.on = <E extends EventName>(name: E, listener: (payload: PayloadOf<E>) => void): (() => void) => {
    if (!isEventName(name)) throw new ContractError(`There is no event named ${String(name)}.`, 'unknown-event');
    if (typeof listener !== 'function') throw new ContractError(`The listener for ${name} must be a function.`, 'bad-argument');
    const wrapped = (_event: unknown, payload: unknown): void => listener(payload as PayloadOf<E>);
    ipc.on(eventChannel(name), wrapped);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      ipc.removeListener(eventChannel(name), wrapped);
    };
  };
  return Object.freeze(api) as GatewayTrayApi;
}
