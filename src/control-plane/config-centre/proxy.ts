import { Agent, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { WatchTracker } from './watch-tracker.ts';

/** etcd's JSON-gateway error shape, which lua-resty-etcd understands. gRPC code 7: permission denied. */
export function sendEtcdError(res: ServerResponse, httpStatus: number, grpcCode: number, message: string): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify({ error: message, code: grpcCode, message });
  res.writeHead(httpStatus, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * Passes config-centre calls to a real etcd, as a stream: a watch's response is piped, event by event,
 * never buffered. The request body was already read and checked by the caller.
 */
export class ConfigCentreProxy {
  private readonly agent = new Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 64 });
  private readonly target: URL;

  constructor(etcdUrl: string, private readonly watches: WatchTracker, private readonly log: (line: string) => void) {
    this.target = new URL(etcdUrl);
  }

  forward(req: IncomingMessage, res: ServerResponse, path: string, body: Buffer | undefined, watchOwner: string | undefined): void {
    const upstream = request({
      protocol: this.target.protocol,
      hostname: this.target.hostname,
      port: this.target.port,
      method: req.method,
      path,
      agent: this.agent,
      headers: body === undefined ? {} : { 'content-type': 'application/json', 'content-length': body.length },
    });
    let endWatch: (() => void) | undefined;
    const finish = () => {
      endWatch?.();
      endWatch = undefined;
    };
    // The gateway hung up (or the control plane is closing it): stop the upstream call too.
    res.on('close', () => {
      finish();
      if (!upstream.destroyed) upstream.destroy();
    });
    upstream.on('response', (up: IncomingMessage) => {
      const headers: Record<string, string | number> = { 'content-type': up.headers['content-type'] ?? 'application/json' };
      if (up.headers['content-length'] !== undefined) headers['content-length'] = up.headers['content-length'];
      res.writeHead(up.statusCode ?? 502, headers);
      // Streams flush each chunk at once: a watch event must reach the gateway when etcd sends it.
      res.flushHeaders();
      if (path === '/v3/watch' && watchOwner !== undefined && (up.statusCode ?? 0) < 300) endWatch = this.watches.opened(watchOwner);
      up.on('error', () => res.destroy());
      up.on('end', finish);
      up.on('close', finish);
      up.pipe(res);
    });
    upstream.on('error', (err) => {
      finish();
      if (!res.headersSent) {
        this.log(`config centre: etcd at ${this.target.origin} failed: ${err.message}`);
        sendEtcdError(res, 502, 14, 'the config centre cannot reach etcd right now; retry later');
      } else {
        res.destroy();
      }
    });
    upstream.end(body);
  }

  close(): void {
    this.agent.destroy();
  }
}
