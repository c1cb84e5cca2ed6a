import { INVOKE_NAMES, unwrapEnvelope, type EventName, type GatewayTrayApi, type InvokeName } from '../../../src/contract/ipc-contract.ts';

type Listener = (payload: unknown) => void;
interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

const TOKEN_KEY = 'gateway-tray.bridge-token';

/**
 * The bridge token: from the URL fragment the CLI printed (then removed from the address bar, so it is
 * not left in history), or from this tab's session storage after a reload.
 */
export function takeBridgeToken(): string | undefined {
  const m = /(?:^#|&)token=([A-Za-z0-9_-]{16,128})/.exec(window.location.hash);
  if (m?.[1]) {
    sessionStorage.setItem(TOKEN_KEY, m[1]);
    history.replaceState(null, '', window.location.pathname + window.location.search);
    return m[1];
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
  #connection = new Set<(up: boolean) => void>();
  #delay = 250;

  constructor(
    private readonly url: string,
    private readonly token: string,
  ) {}

  onConnection(fn: (up: boolean) => void): () => void {
    this.#connection.add(fn);
    return () => this.#connection.delete(fn);
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
          this.#connection.forEach((fn) => fn(true));
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
        this.#connection.forEach((fn) => fn(false));
        if (!opened) reject(new Error(ev.code === 4401 ? 'The bridge refused this page: open the link that `gateway-tray ui --web` printed.' : 'Gateway Tray does not answer.'));
        if (ev.code === 4401) return;
        setTimeout(() => {
          this.#delay = Math.min(this.#delay * 2, 5000);
          this.#connect()
            .then(() => this.#listeners.get('statusChanged')?.forEach((fn) => fn({ at: Date.now() })))
            .catch(() => undefined);
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
