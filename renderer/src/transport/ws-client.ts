import { INVOKE_NAMES, unwrapEnvelope, type EventName, type GatewayTrayApi, type InvokeName } from '../../../src/contract/ipc-contract.ts';

type Listener = (payload: unknown) => void;
interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

const TOKEN_KEY = 'gateway-tray.bridge-token';
const TOKEN_IN_HASH = /(?:^#|&)token=([A-Za-z0-9_-]{16,128})/;

/**
 * Where the bridge stands: connecting (the first time), up, down (reconnecting), or refused, when the server answering is not the one
 * that gave this tab its token (`ui --web` was restarted) and only its new link helps.
 */
export type ConnectionState = 'connecting' | 'up' | 'down' | 'refused';

/** The token in a link the CLI printed (or in this page's fragment). */
export function tokenOfLink(link: string): string | undefined {
  const hash = link.includes('#') ? link.slice(link.indexOf('#')) : '';
  return TOKEN_IN_HASH.exec(hash)?.[1];
}

/**
 * The bridge token: from the URL fragment the CLI printed (then removed from the address bar, so it is
 * not left in history), or from this tab's session storage after a reload.
 */
export function takeBridgeToken(): string | undefined {
  const token = tokenOfLink(window.location.hash);
  if (token) {
    sessionStorage.setItem(TOKEN_KEY, token);
    history.replaceState(null, '', window.location.pathname + window.location.search);
    return token;
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

/**
 * The IPC contract over the loopback WebSocket bridge. Reconnects with a growing pause; calls in flight
 * when the socket drops are rejected, and after a reconnect every view is told to re-read
 * (events invalidate, snapshots inform).
 */
export class WsClient {
  #ws: WebSocket | undefined;
  #ready: Promise<void> | undefined;
  #nextId = 1;
  #pending = new Map<number, Pending>();
  #listeners = new Map<EventName, Set<Listener>>();
  #connection = new Set<(state: ConnectionState) => void>();
  #state: ConnectionState = 'connecting';
  #delay = 250;
  #retry: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly url: string,
    private token: string,
  ) {}

  get state(): ConnectionState {
    return this.#state;
  }

  onConnection(fn: (state: ConnectionState) => void): () => void {
    this.#connection.add(fn);
    return () => this.#connection.delete(fn);
  }

  #set(state: ConnectionState): void {
    this.#state = state;
    this.#connection.forEach((fn) => fn(state));
  }

  /**
   * A new token (the link of a restarted `ui --web`, pasted into this tab): connect with it at once,
   * and have every view read again.
   */
  useToken(token: string): void {
    this.token = token;
    sessionStorage.setItem(TOKEN_KEY, token);
    clearTimeout(this.#retry);
    this.#delay = 250;
    if (this.#ws && this.#ws.readyState <= WebSocket.OPEN) this.#ws.close(4000, 'new token');
    else this.#reconnect();
  }

  #reconnect(): void {
    this.#connect()
      .then(() => this.#invalidateAll())
      .catch(() => undefined);
  }

  /** After a reconnect nothing said what changed meanwhile: every view reads its snapshot again. */
  #invalidateAll(): void {
    for (const name of ['statusChanged', 'settingsChanged', 'routesChanged', 'metricsChanged'] as const) {
      this.#listeners.get(name)?.forEach((fn) => fn({ at: Date.now() }));
    }
  }

  #connect(): Promise<void> {
    this.#ready ??= new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(this.url);
      this.#ws = ws;
      let opened = false;
      ws.onopen = () => ws.send(JSON.stringify({ type: 'hello', token: this.token }));
      ws.onmessage = (ev) => {
        const msg = JSON.parse(String(ev.data)) as { type: string; id?: number; envelope?: unknown; name?: EventName; payload?: unknown };
        if (msg.type === 'ready') {
          opened = true;
          this.#delay = 250;
          resolve();
          this.#set('up');
        } else if (msg.type === 'result' && msg.id !== undefined) {
          const p = this.#pending.get(msg.id);
          this.#pending.delete(msg.id);
          if (!p) return;
          try {
            p.resolve(unwrapEnvelope(msg.envelope));
          } catch (err) {
            p.reject(err as Error);
          }
        } else if (msg.type === 'event' && msg.name) {
          this.#listeners.get(msg.name)?.forEach((fn) => fn(msg.payload));
        }
      };
      ws.onclose = (ev) => {
        this.#ready = undefined;
        for (const p of this.#pending.values()) p.reject(new Error('The connection to Gateway Tray closed; try again.'));
        this.#pending.clear();
        if (!opened) reject(new Error(ev.code === 4401 ? 'The bridge refused this page: open the link that `gateway-tray ui --web` printed.' : 'Gateway Tray does not answer.'));
        // A pasted token closes the old socket on purpose: connect with the new one at once.
        if (ev.code === 4000) return this.#reconnect();
        // Refused: this server gave out another token; only its new link helps, retrying would not.
        if (ev.code === 4401) return this.#set('refused');
        this.#set('down');
        this.#retry = setTimeout(() => {
          this.#delay = Math.min(this.#delay * 2, 5000);
          this.#reconnect();
        }, this.#delay);
      };
    });
    return this.#ready;
  }

  async call(name: InvokeName, arg: unknown): Promise<unknown> {
    await this.#connect();
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#ws!.send(JSON.stringify({ type: 'invoke', id, name, ...(arg === undefined ? {} : { arg }) }));
    });
  }

  on(name: EventName, fn: Listener): () => void {
    const set = this.#listeners.get(name) ?? new Set();
    set.add(fn);
    this.#listeners.set(name, set);
    return () => set.delete(fn);
  }

  /** The same named functions the preload exposes in Electron. */
  api(): GatewayTrayApi {
    const fns = Object.fromEntries(INVOKE_NAMES.map((n) => [n, (arg?: unknown) => this.call(n, arg)]));
    return { ...fns, on: (name: EventName, fn: Listener) => this.on(name, fn) } as GatewayTrayApi;
  }
}
