import { Readable, Writable } from 'node:stream';
import type Docker from 'dockerode';
import { unavailableOr } from './client.ts';
import { ContainerNotFoundError, statusCodeOf } from './errors.ts';

export type LogStream = 'stdout' | 'stderr';

export interface LogLine {
  stream: LogStream;
  line: string;
}

export interface LogOptions {
  /** Only the last N lines (all when absent). */
  tail?: number;
  /** Keep streaming new lines until `signal` fires or the container's log ends. */
  follow?: boolean;
  signal?: AbortSignal;
  /** Docker's RFC 3339 timestamp before each line. */
  timestamps?: boolean;
  /** Only lines logged from this time on (ms since the epoch, by the daemon's clock; Docker counts whole seconds). */
  sinceMs?: number;
}

/** Splits one demuxed stream into lines, so a line that arrives in two frames is still one line. */
function lineSink(stream: LogStream, onLine: (line: LogLine) => void): Writable & { flushRest(): void } {
  let rest = '';
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      rest += chunk.toString('utf8');
      let newline: number;
      while ((newline = rest.indexOf('\n')) >= 0) {
        onLine({ stream, line: rest.slice(0, newline).replace(/\r$/, '') });
        rest = rest.slice(newline + 1);
      }
      done();
    },
  });
  return Object.assign(sink, {
    flushRest() {
      if (rest) onLine({ stream, line: rest });
      rest = '';
    },
  });
}

/**
 * Streams a container's log as lines, stdout and stderr demultiplexed. Resolves when the log ends or
 * when `signal` fires (an abort is a normal end here, not an error).
 */
export async function streamLogs(docker: Docker, id: string, onLine: (line: LogLine) => void, opts: LogOptions = {}): Promise<void> {
  if (opts.signal?.aborted) return;
  const container = docker.getContainer(id);
  let tty: boolean;
  let source: Readable;
  try {
    tty = Boolean((await container.inspect()).Config?.Tty);
    const common = {
      stdout: true,
      stderr: true,
      timestamps: opts.timestamps ?? false,
      ...(opts.tail !== undefined ? { tail: opts.tail } : {}),
      ...(opts.sinceMs !== undefined ? { since: Math.floor(opts.sinceMs / 1000) } : {}),
      abortSignal: opts.signal,
    };
    // dockerode returns the whole log as a Buffer without follow, and a stream with it.
    source = opts.follow
      ? ((await container.logs({ ...common, follow: true })) as unknown as Readable)
      : Readable.from([(await container.logs({ ...common, follow: false })) as Buffer]);
  } catch (err) {
    if (opts.signal?.aborted) return;
    if (statusCodeOf(err) === 404) throw new ContainerNotFoundError(id, { cause: err });
    throw unavailableOr(docker, err);
  }

  const stdout = lineSink('stdout', onLine);
  const stderr = lineSink('stderr', onLine);
  await new Promise<void>((resolve, reject) => {
    let finished = false;
    const finish = (err?: Error): void => {
      if (finished) return;
      finished = true;
      opts.signal?.removeEventListener('abort', onAbort);
      // Let lines already handed to the sinks be written before the last partial line is flushed.
      setImmediate(() => {
        stdout.flushRest();
        stderr.flushRest();
        if (err && !opts.signal?.aborted) reject(unavailableOr(docker, err));
        else resolve();
      });
    };
    const onAbort = (): void => {
      source.destroy();
      finish();
    };
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (tty) source.pipe(stdout);
    else docker.modem.demuxStream(source, stdout, stderr);
    source.once('end', () => finish());
    source.once('error', (err) => finish(err));
    source.once('close', () => finish());
  });
}

/** The last `tail` lines of a container's log. */
export async function readLogs(docker: Docker, id: string, opts: { tail?: number } = {}): Promise<LogLine[]> {
  const lines: LogLine[] = [];
  await streamLogs(docker, id, (l) => lines.push(l), { ...opts, follow: false });
  return lines;
}
