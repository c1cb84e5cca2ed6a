import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import { ContractError, errorEnvelope, isInvokeName, okEnvelope, parseArg, type EventName } from '../contract/ipc-contract.ts';
import type { AppService } from '../core/app/app-service.ts';
import { tokensEqual } from './bridge-token.ts';

/** Client → server messages. The first one must be `hello` with the token. */
const clientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('hello'), token: z.string().max(256) }).strict(),
  z.object({ type: z.literal('invoke'), id: z.number().int().min(0), name: z.string().max(64), arg: z.unknown().optional() }).strict(),
]);

const MAX_MESSAGE_BYTES = 1024 * 1024;
const HELLO_TIMEOUT_MS = 5000;

/**
 * The IPC contract over a loopback WebSocket, for the renderer in a plain browser. A socket is accepted
 * only from the page's own origin, and it does nothing until its first message carries the token
 * (compared in constant time; never logged). Arguments are validated with the contract's schemas, as
 * Electron's main process does, and answers travel in the same envelope.
 */
export class WsBridge {
  readonly #wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  readonly #sockets = new Set<WebSocket>();
  readonly #unsubscribe: () => void;

  constructor(
    private readonly service: Pick<AppService, 'handlers' | 'subscribe' | 'releaseClient'> & Partial<Pick<AppService, 'look'>>,
    private readonly token: string,
    private readonly origins: string[],
    private readonly log: (line: string) => void = () => undefined,
  ) {
    this.#unsubscribe = service.subscribe((name, payload) => this.#broadcast(name, payload));
  }

  /** Handles an HTTP upgrade; refuses foreign origins before any WebSocket exists. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const origin = req.headers.origin;
    if (!origin || !this.origins.includes(origin)) {
      this.log(`refused a bridge connection from origin ${origin ?? '(none)'}`);
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws));
  }

  #accept(ws: WebSocket): void {
    const clientId = randomUUID();
    let authed = false;
    // An open page is somebody looking: the status is followed closely while it stays connected.
    let releaseLook: (() => void) | undefined;
    const helloTimer = setTimeout(() => ws.close(4401, 'no token'), HELLO_TIMEOUT_MS);
    ws.on('message', (data, isBinary) => {
      if (isBinary) return ws.close(4400, 'text frames only');
      let msg: z.infer<typeof clientMessage>;
      try {
        msg = clientMessage.parse(JSON.parse(String(data)));
      } catch {
        return ws.close(4400, 'malformed message');
      }
      if (!authed) {
        if (msg.type !== 'hello' || !tokensEqual(this.token, msg.token)) {
          clearTimeout(helloTimer);
          return ws.close(4401, 'bad token');
        }
        authed = true;
        clearTimeout(helloTimer);
        this.#sockets.add(ws);
        releaseLook = this.service.look?.();
        ws.send(JSON.stringify({ type: 'ready' }));
        return;
      }
      if (msg.type === 'invoke') void this.#invoke(ws, clientId, msg.id, msg.name, msg.arg);
    });
    ws.on('close', () => {
      clearTimeout(helloTimer);
      releaseLook?.();
      this.#sockets.delete(ws);
      this.service.releaseClient(clientId);
    });
    ws.on('error', () => ws.terminate());
  }

  async #invoke(ws: WebSocket, clientId: string, id: number, name: string, arg: unknown): Promise<void> {
    let envelope;
    try {
      if (!isInvokeName(name)) throw new ContractError(`Unknown request "${name}"`, 'unknown-channel');
      const parsed = parseArg(name, arg);
      const handler = this.service.handlers[name] as (a: unknown, c: { clientId: string }) => Promise<unknown>;
      envelope = okEnvelope(await handler(parsed, { clientId }));
    } catch (err) {
      envelope = errorEnvelope(err);
    }
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'result', id, envelope }));
  }

  #broadcast(name: EventName, payload: unknown): void {
    const text = JSON.stringify({ type: 'event', name, payload });
    for (const ws of this.#sockets) if (ws.readyState === ws.OPEN) ws.send(text);
  }

  async close(): Promise<void> {
    this.#unsubscribe();
    for (const ws of this.#sockets) ws.close(1001, 'server stopping');
    for (const ws of this.#wss.clients) ws.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
  }
}

