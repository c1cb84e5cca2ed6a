import type { IncomingMessage } from 'node:http';
import { prefixEnd } from '../etcd/client.ts';
import { b64, unb64, type ClusterKeyValue, type ClusterKv } from './kv.ts';

export interface WatchEvent {
  type: 'put' | 'delete';
  kv: ClusterKeyValue;
}

export interface PrefixWatchHandlers {
  /** The whole prefix, read at start and after each reconnect (a watch that broke may have missed events). */
  snapshot(kvs: ClusterKeyValue[]): void;
  event(e: WatchEvent): void;
  /** etcd answers again (true) or stopped answering (false), with why. */
  reachable(up: boolean, reason?: string): void;
}

const RETRY_MIN_MS = 200;
const RETRY_MAX_MS = 2000;

/**
 * Keeps every replica's cache of one prefix current: a full read, then a streamed watch from the next
 * revision. When the stream breaks (member gone, all members gone, compaction), it reads the prefix again
 * and watches on; until then the cache keeps serving what it holds.
 */
export class PrefixWatch {
  private stopped = false;
  private current: IncomingMessage | undefined;
  private abort: (() => void) | undefined;
  private retryMs = RETRY_MIN_MS;
  private timer: NodeJS.Timeout | undefined;
  private firstRead: Promise<void> | undefined;

  constructor(
    private readonly kv: ClusterKv,
    private readonly prefix: string,
    private readonly handlers: PrefixWatchHandlers,
  ) {}

  /** Resolves after the first full read (or rejects when etcd does not answer it). */
  start(): Promise<void> {
    this.firstRead ??= this.cycle(true);
    return this.firstRead;
  }

  private async cycle(first: boolean): Promise<void> {
    let revision: number;
    try {
      const { kvs, revision: rev } = await this.kv.list(this.prefix);
      revision = rev;
      this.handlers.snapshot(kvs);
    } catch (err) {
      if (first) throw err;
      this.handlers.reachable(false, err instanceof Error ? err.message : String(err));
      this.retry();
      return;
    }
    this.handlers.reachable(true);
    this.retryMs = RETRY_MIN_MS;
    this.watchFrom(revision + 1);
  }

  private retry(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.cycle(false), this.retryMs);
    this.timer.unref();
    this.retryMs = Math.min(RETRY_MAX_MS, this.retryMs * 2);
  }

  private watchFrom(revision: number): void {
    if (this.stopped) return;
    const body = JSON.stringify({ create_request: { key: b64(this.prefix), range_end: b64(prefixEnd(this.prefix)), start_revision: String(revision) } });
    let ended = false;
    const broken = (reason: string) => {
      if (ended) return;
      ended = true;
      this.current = undefined;
      if (this.stopped) return;
      this.handlers.reachable(false, reason);
      this.retry();
    };
    const req = this.kv.endpoint.request({ method: 'POST', path: '/v3/watch', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      this.current = res;
      let buffered = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffered += chunk;
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl).trim();
          buffered = buffered.slice(nl + 1);
          if (line) this.message(line, broken);
        }
      });
      res.on('end', () => broken('the watch stream ended'));
      res.on('error', (err) => broken(err.message));
      res.on('close', () => broken('the watch stream closed'));
    });
    // A dead member leaves a half-open socket: etcd's gateway sends progress only on events, so a
    // keep-alive probe is the way to notice. TCP keep-alive after 2 s of silence.
    req.on('socket', (s) => s.setKeepAlive(true, 2000));
    req.on('error', (err) => broken(err.message));
    this.abort = () => req.destroy();
    req.end(body);
  }

  private message(line: string, broken: (reason: string) => void): void {
    let msg: { result?: { events?: { type?: string; kv?: { key: string; value?: string; mod_revision?: string } }[]; compact_revision?: string; canceled?: boolean }; error?: unknown };
    try {
      msg = JSON.parse(line) as typeof msg;
    } catch {
      return;
    }
    if (msg.error !== undefined || msg.result?.canceled || (msg.result?.compact_revision !== undefined && msg.result.compact_revision !== '0')) {
      this.abort?.();
      broken('the watch was cancelled (compacted or refused); reading the prefix again');
      return;
    }
    for (const e of msg.result?.events ?? []) {
      if (!e.kv) continue;
      const kv: ClusterKeyValue = { key: unb64(e.kv.key), value: e.kv.value ? unb64(e.kv.value) : '', modRevision: Number(e.kv.mod_revision ?? 0) };
      this.handlers.event({ type: e.type === 'DELETE' ? 'delete' : 'put', kv });
    }
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.abort?.();
    this.current?.destroy();
  }
}
