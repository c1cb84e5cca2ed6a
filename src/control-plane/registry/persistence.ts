import { setImmediate as nextTurn } from 'node:timers/promises';
import { writeFileAtomic } from '../storage/atomic-file.ts';
import { readJsonFile } from '../storage/json-file.ts';
import { InstancesFile, type InstanceRecord } from './instance.ts';

/**
 * Writes the instance table out, debounced: a burst of heartbeats costs one write. A large table is
 * written less often (one millisecond of spacing per instance: every 10 s for 10,000 gateways), so the
 * serialization never weighs on heartbeat latency; a stop always flushes. A failed write is logged and
 * retried later; the table in memory stays the truth, so status survives a storage hiccup.
 */
export class InstanceTableWriter {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> | undefined;
  private dirty = false;
  private lastError: string | undefined;
  private nextWriteAt = 0;

  constructor(
    private readonly path: string,
    private readonly snapshot: () => InstanceRecord[],
    private readonly log: (line: string) => void,
    private readonly debounceMs = 1000,
    private readonly retryMs = 5000,
  ) {}

  static load(path: string): Promise<{ version: 1; instances: InstanceRecord[] } | undefined> {
    return readJsonFile(path, InstancesFile);
  }

  markDirty(): void {
    this.dirty = true;
    this.schedule(Math.max(this.debounceMs, this.nextWriteAt - Date.now()));
  }

  private schedule(delayMs: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, delayMs);
    this.timer.unref();
  }

  /** Writes now if anything changed; resolves when the table on disk is current (or the write failed). */
  async flush(): Promise<void> {
    if (this.writing) await this.writing;
    if (!this.dirty) return;
    this.dirty = false;
    const records = this.snapshot();
    this.nextWriteAt = Date.now() + records.length * PER_RECORD_SPACING_MS;
    this.writing = serialize(records)
      .then((text) => writeFileAtomic(this.path, text, 0o600))
      .then(() => {
        if (this.lastError) this.log(`instance table: writing ${this.path} works again`);
        this.lastError = undefined;
      })
      .catch((err: unknown) => {
        this.dirty = true;
        const msg = err instanceof Error ? err.message : String(err);
        if (msg !== this.lastError) this.log(`instance table: ${msg}; keeping it in memory and retrying`);
        this.lastError = msg;
        this.schedule(this.retryMs);
      })
      .finally(() => {
        this.writing = undefined;
      });
    await this.writing;
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}

const RECORDS_PER_TURN = 500;
const PER_RECORD_SPACING_MS = 1;

/**
 * The table as JSON, built a slice at a time with a turn of the event loop in between: with thousands of
 * instances one JSON.stringify would stall heartbeats for tens of milliseconds.
 */
async function serialize(records: InstanceRecord[]): Promise<string> {
  const parts: string[] = [];
  for (let i = 0; i < records.length; i += RECORDS_PER_TURN) {
    parts.push(records.slice(i, i + RECORDS_PER_TURN).map((r) => JSON.stringify(r)).join(',\n'));
    if (i + RECORDS_PER_TURN < records.length) await nextTurn();
  }
  return `{"version":1,"instances":[\n${parts.join(',\n')}\n]}\n`;
}
