import type { GatewayTrayApi } from '../../../src/contract/ipc-contract.ts';
import { takeBridgeToken, tokenOfLink, WsClient, type ConnectionState } from './ws-client.ts';

declare global {
  interface Window {
    /** Exposed by Electron's preload: named functions only. */
    gatewayTray?: GatewayTrayApi;
  }
}

/** What the page knows of its link to the app: in Electron always up; in a browser, the bridge's state. */
export interface Connection {
  subscribe(fn: (state: ConnectionState) => void): () => void;
  current(): ConnectionState;
  /**
   * A link the CLI printed: on this server, its token is used at once; on another port (a restarted
   * `ui --web` got a new one), the tab goes there.
   */
  useLink(link: string): boolean;
}

export type Transport = { kind: 'electron' | 'web'; api: GatewayTrayApi; connection?: Connection } | { kind: 'none' };

/** Electron's preload API when present; otherwise the WebSocket bridge of `gateway-tray ui --web`. */
export function chooseTransport(): Transport {
  if (window.gatewayTray) return { kind: 'electron', api: window.gatewayTray };
  const token = takeBridgeToken();
  if (!token) return { kind: 'none' };
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  const client = new WsClient(`${scheme}://${window.location.host}/bridge`, token);
  const useLink = (link: string): boolean => {
    const next = tokenOfLink(link);
    if (!next) return false;
    let url: URL | undefined;
    try {
      url = new URL(link, window.location.href);
    } catch {
      url = undefined;
    }
    if (url && url.origin !== window.location.origin) {
      window.location.assign(url.href);
      return true;
    }
    history.replaceState(null, '', window.location.pathname + window.location.search);
    client.useToken(next);
    return true;
  };
  // The new link pasted into this tab's address bar changes only the fragment: no load, so listen.
  window.addEventListener('hashchange', () => {
    if (tokenOfLink(window.location.hash)) useLink(window.location.href);
  });
  return { kind: 'web', api: client.api(), connection: { subscribe: (fn) => client.onConnection(fn), current: () => client.state, useLink } };
}
