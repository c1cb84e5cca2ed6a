import type { GatewayTrayApi } from '../../../src/contract/ipc-contract.ts';
import { takeBridgeToken, WsClient } from './ws-client.ts';

declare global {
  interface Window {
    /** Exposed by Electron's preload: named functions only. */
    gatewayTray?: GatewayTrayApi;
  }
}

export type Transport = { kind: 'electron' | 'web'; api: GatewayTrayApi; onConnection?: (fn: (up: boolean) => void) => () => void } | { kind: 'none' };

/** Electron's preload API when present; otherwise the WebSocket bridge of `gateway-tray ui --web`. */
export function chooseTransport(): Transport {
  if (window.gatewayTray) return { kind: 'electron', api: window.gatewayTray };
  const token = takeBridgeToken();
  if (!token) return { kind: 'none' };
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  const client = new WsClient(`${scheme}://${window.location.host}/bridge`, token);
  return { kind: 'web', api: client.api(), onConnection: (fn) => client.onConnection(fn) };
}
