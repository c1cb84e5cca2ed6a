import { createServer, type Server } from 'node:http';
import type { AppService } from '../core/app/app-service.ts';
import { newBridgeToken } from './bridge-token.ts';
import { serveStatic } from './static-files.ts';
import { WsBridge } from './ws-bridge.ts';

export const BRIDGE_PATH = '/bridge';

export interface UiServer {
  /** The URL to open, with the token in its fragment (never sent to the server by the browser). */
  url: string;
  origin: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Serves the built renderer and the WebSocket bridge on 127.0.0.1 only. Requests whose Host is not this
 * server's loopback name are refused, so a web page cannot reach it through DNS rebinding.
 */
export async function startUiServer(opts: { service: Pick<AppService, 'handlers' | 'subscribe' | 'releaseClient'> & Partial<Pick<AppService, 'look'>>; staticDir: string; port?: number; log?: (line: string) => void }): Promise<UiServer> {
  const token = newBridgeToken();
  const server: Server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const origin = `http://127.0.0.1:${port}`;
  const hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const bridge = new WsBridge(opts.service, token, [origin, `http://localhost:${port}`], opts.log);

  server.on('request', (req, res) => {
    if (!hosts.has(req.headers.host ?? '')) {
      res.writeHead(421, { 'content-type': 'text/plain; charset=utf-8' }).end('Misdirected request');
      return;
    }
    serveStatic(opts.staticDir, origin, req, res);
  });
  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', origin).pathname;
    if (!hosts.has(req.headers.host ?? '') || path !== BRIDGE_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    bridge.handleUpgrade(req, socket, head);
  });

  return {
    url: `${origin}/#token=${token}`,
    origin,
    port,
    async close() {
      await bridge.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
