import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EtcdEndpoint } from '../etcd/transport.ts';
import { filterRangeAnswer, watchEventFilter } from './response-filter.ts';
import type { WatchTracker } from './watch-tracker.ts';

/** etcd's JSON-gateway error shape, which lua-resty-etcd understands. gRPC code 7: permission denied. */
export function sendEtcdError(res: ServerResponse, httpStatus: number, grpcCode: number, message: string): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify({ error: message, code: grpcCode, message });
  res.writeHead(httpStatus, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** A range answer is read whole before it is filtered; APISIX's full read of a large config fits well within. */
const MAX_RANGE_ANSWER = 64 * 1024 * 1024;

/**
 * Passes config-centre calls to a real etcd. A watch's response is streamed, event by event, never
 * buffered; a range answer is read whole. Both lose every key outside the prefix's folder (`dir`) on the
 * way. The request body was already read and checked by the caller.
 */
export class ConfigCentreProxy {
  constructor(
    /** Its own endpoint (and so its own sockets): watches hold theirs for hours. */
    private readonly etcd: EtcdEndpoint,
    private readonly dir: Buffer,
    private readonly watches: WatchTracker,
    private readonly log: (line: string) => void,
  ) {}

  forward(req: IncomingMessage, res: ServerResponse, path: string, body: Buffer | undefined, watchOwner: string | undefined): void {
    const upstream = this.etcd.request({
      method: req.method,
      path,
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
      const status = up.statusCode ?? 502;
      const contentType = up.headers['content-type'] ?? 'application/json';
      up.on('error', () => res.destroy());
      up.on('end', finish);
      up.on('close', finish);
      if (path === '/v3/kv/range') {
        this.sendRange(up, res, status, contentType);
        return;
      }
      if (path === '/v3/watch') {
        res.writeHead(status, { 'content-type': contentType });
        // Streams flush each chunk at once: a watch event must reach the gateway when etcd sends it.
        res.flushHeaders();
        if (watchOwner !== undefined && status < 300) endWatch = this.watches.opened(watchOwner);
        const filter = watchEventFilter(this.dir);
        filter.on('error', () => res.destroy());
        up.pipe(filter).pipe(res);
        return;
      }
      const headers: Record<string, string | number> = { 'content-type': contentType };
      if (up.headers['content-length'] !== undefined) headers['content-length'] = up.headers['content-length'];
      res.writeHead(status, headers);
      up.pipe(res);
    });
    upstream.on('error', (err) => {
      finish();
      if (!res.headersSent) {
        this.log(`config centre: etcd at ${this.etcd.origin.origin} failed: ${err.message}`);
        sendEtcdError(res, 502, 14, 'the config centre cannot reach etcd right now; retry later');
      } else {
        res.destroy();
      }
    });
    upstream.end(body);
  }

  private sendRange(up: IncomingMessage, res: ServerResponse, status: number, contentType: string): void {
    const chunks: Buffer[] = [];
    let size = 0;
    up.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_RANGE_ANSWER) {
        up.destroy();
        sendEtcdError(res, 502, 8, 'the range answer is too large; ask for a narrower range or use limit');
        return;
      }
      chunks.push(c);
    });
    up.on('end', () => {
      if (res.headersSent || res.destroyed) return;
      const text = filterRangeAnswer(Buffer.concat(chunks).toString('utf8'), this.dir);
      res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
      res.end(text);
    });
  }

  close(): void {
    this.etcd.close();
  }
}
