import { randomUUID } from 'node:crypto';
import type { LogLineView } from '../../contract/ipc-contract.ts';
import type { Engine } from '../engine/engine.ts';

interface Follow {
  clientId: string;
  abort: AbortController;
}

/**
 * Followed gateway logs, one per caller request. Lines are batched (a chatty gateway must not flood the
 * transport with one message per line) and every follow belongs to a caller, so a closed window or
 * socket releases its streams.
 */
export class LogFollows {
  #follows = new Map<string, Follow>();

  constructor(
    private readonly emit: (followId: string, lines: LogLineView[], ended: boolean) => void,
    private readonly batchMs = 150,
  ) {}

  follow(engine: Engine, containerId: string, clientId: string, tail: number): string {
    const followId = randomUUID();
    const abort = new AbortController();
    this.#follows.set(followId, { clientId, abort });
    let batch: LogLineView[] = [];
    let timer: NodeJS.Timeout | undefined;
    const flush = (ended: boolean): void => {
      if (timer) clearTimeout(timer);
      timer = undefined;
      if (batch.length === 0 && !ended) return;
      const lines = batch;
      batch = [];
      this.emit(followId, lines, ended);
    };
    void engine
      .streamLogs(containerId, (l) => {
        batch.push({ stream: l.stream, line: l.line });
        if (batch.length >= 500) flush(false);
        else timer ??= setTimeout(() => flush(false), this.batchMs);
      }, { follow: true, tail, signal: abort.signal })
      .catch((err: unknown) => batch.push({ stream: 'stderr', line: `[gateway-tray] the log stream ended: ${err instanceof Error ? err.message : String(err)}` }))
      .finally(() => {
        this.#follows.delete(followId);
        flush(true);
      });
    return followId;
  }

  stop(followId: string): boolean {
    const f = this.#follows.get(followId);
    if (!f) return false;
    f.abort.abort();
    this.#follows.delete(followId);
    return true;
  }

  release(clientId: string): void {
    for (const [id, f] of this.#follows) if (f.clientId === clientId) this.stop(id);
  }

  stopAll(): void {
    for (const id of [...this.#follows.keys()]) this.stop(id);
  }
}
