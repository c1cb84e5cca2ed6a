import { Agent as HttpAgent, request as httpRequest, type ClientRequest, type IncomingMessage, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** The client side of an etcd that requires client-certificate TLS, as PEM text. */
export interface EtcdTls {
  ca: string;
  cert: string;
  key: string;
}

/**
 * How to reach etcd: its origin (or, in `--cluster`, the origins of several members, tried in order) and a
 * kept-alive agent. An `https:` etcd needs client credentials (the app's own etcd accepts nobody else); an
 * `http:` one is an etcd the user named and runs without TLS. With several members, a request that cannot
 * connect moves the endpoint on to the next member, so the following request goes there.
 */
export class EtcdEndpoint {
  readonly origins: URL[];
  readonly agent: HttpAgent;
  private readonly secure: boolean;
  private current = 0;

  constructor(baseUrl: string | string[], tls?: EtcdTls, opts: { keepAlive?: boolean } = {}) {
    const urls = Array.isArray(baseUrl) ? baseUrl : [baseUrl];
    if (urls.length === 0) throw new Error("etcd's URL is missing");
    this.origins = urls.map((u) => new URL(u));
    const first = this.origins[0] as URL;
    this.secure = first.protocol === 'https:';
    for (const o of this.origins) {
      if (o.protocol !== 'http:' && o.protocol !== 'https:') throw new Error(`etcd's URL must be http:// or https://, got ${o.href}`);
      if ((o.protocol === 'https:') !== this.secure) throw new Error('every etcd URL must use the same scheme (all http:// or all https://)');
    }
    if (this.secure && !tls) throw new Error(`etcd at ${first.origin} speaks TLS: its CA, client certificate and key are needed`);
    const keepAlive = opts.keepAlive ?? true;
    this.agent = this.secure
      ? new HttpsAgent({ keepAlive, maxSockets: Infinity, maxFreeSockets: 64, ca: tls?.ca, cert: tls?.cert, key: tls?.key })
      : new HttpAgent({ keepAlive, maxSockets: Infinity, maxFreeSockets: 64 });
  }

  /** The member requests go to now. */
  get origin(): URL {
    return this.origins[this.current] as URL;
  }

  request(opts: RequestOptions, onResponse?: (res: IncomingMessage) => void): ClientRequest {
    const at = this.current;
    const origin = this.origins[at] as URL;
    const full: RequestOptions = { protocol: origin.protocol, hostname: origin.hostname, port: origin.port, agent: this.agent, ...opts };
    const req = this.secure ? httpsRequest(full, onResponse) : httpRequest(full, onResponse);
    if (this.origins.length > 1) {
      req.once('error', () => {
        // Only the first failure on a member moves on; concurrent failures on it must not skip a healthy one.
        if (this.current === at) this.current = (at + 1) % this.origins.length;
      });
    }
    return req;
  }

  /**
   * One call with a whole answer; rejects when etcd does not answer within `timeoutMs`. With several
   * members, a call that fails to get an answer is tried on each of the others once.
   */
  async call(method: 'GET' | 'POST', path: string, body: string | undefined, timeoutMs: number): Promise<{ status: number; text: string }> {
    let lastError: unknown;
    for (let attempt = 0; attempt < this.origins.length; attempt++) {
      try {
        return await this.callOnce(method, path, body, timeoutMs);
      } catch (err) {
        lastError = err;
      }
    }
    throw lastError;
  }

  private callOnce(method: 'GET' | 'POST', path: string, body: string | undefined, timeoutMs: number): Promise<{ status: number; text: string }> {
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
