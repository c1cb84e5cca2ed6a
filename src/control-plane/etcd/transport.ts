import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** The client side of an etcd that requires client-certificate TLS, as PEM text. */
export interface EtcdTls {
  ca: string;
  cert: string;
  key: string;
}

/**
 * How to reach one etcd: its origin and a kept-alive agent. An `https:` etcd needs client credentials (the
 * app's own etcd accepts nobody else); an `http:` one is an etcd the user named and runs without TLS.
 */
export class EtcdEndpoint {
  readonly origin: URL;
  readonly agent: HttpAgent;
  private readonly secure: boolean;

  constructor(baseUrl: string, tls?: EtcdTls, opts: { keepAlive?: boolean } = {}) {
    this.origin = new URL(baseUrl);
    this.secure = this.origin.protocol === 'https:';
    if (!this.secure && this.origin.protocol !== 'http:') throw new Error(`etcd's URL must be http:// or https://, got ${baseUrl}`);
    if (this.secure && !tls) throw new Error(`etcd at ${this.origin.origin} speaks TLS: its CA, client certificate and key are needed`);
    const keepAlive = opts.keepAlive ?? true;
    this.agent = this.secure
      ? new HttpsAgent({ keepAlive, maxSockets: Infinity, maxFreeSockets: 64, ca: tls?.ca, cert: tls?.cert, key: tls?.key })
      : new HttpAgent({ keepAlive, maxSockets: Infinity, maxFreeSockets: 64 });
  }

  request(opts: RequestOptions, onResponse?: (res: IncomingMessage) => void): ClientRequest {
    const full: RequestOptions = { protocol: this.origin.protocol, hostname: this.origin.hostname, port: this.origin.port, agent: this.agent, ...opts };
    return this.secure ? httpsRequest(full, onResponse) : httpRequest(full, onResponse);
  }

  /** One call with a whole answer; rejects when etcd does not answer within `timeoutMs`. */
  call(method: 'GET' | 'POST', path: string, body: string | undefined, timeoutMs: number): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const req = this.request(
        { method, path, headers: body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
