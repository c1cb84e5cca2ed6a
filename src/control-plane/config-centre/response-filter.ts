import { Transform, type TransformCallback } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { insidePrefix } from './key-guard.ts';

interface KvLike {
  key?: unknown;
}

function keyInside(kv: unknown, dir: Buffer): boolean {
  const key = (kv as KvLike | null)?.key;
  return typeof key === 'string' && insidePrefix(Buffer.from(key, 'base64'), dir);
}

/**
 * A range answer with only the keys inside `dir`. `count` follows the kept keys, so a gateway can't learn
 * how many keys lie outside. Anything that is not a range answer (an etcd error) passes as it is.
 */
export function filterRangeAnswer(text: string, dir: Buffer): string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return text;
  }
  if (typeof json !== 'object' || json === null || !Array.isArray((json as { kvs?: unknown }).kvs)) return text;
  const answer = json as { kvs: unknown[]; count?: unknown };
  const kept = answer.kvs.filter((kv) => keyInside(kv, dir));
  if (kept.length === answer.kvs.length) return text;
  const removed = answer.kvs.length - kept.length;
  answer.kvs = kept;
  if (answer.count !== undefined) answer.count = String(Math.max(0, Number(answer.count) - removed));
  return JSON.stringify(answer);
}

/** Longest watch message we hold while waiting for its newline; etcd's own limit on a value is 1.5 MiB. */
const MAX_MESSAGE = 8 * 1024 * 1024;

/**
 * A watch stream (etcd's JSON gateway writes one JSON message per line) with every event outside `dir`
 * removed; a message whose events were all removed is dropped, so the gateway never hears of those keys.
 * Messages pass on as soon as their newline arrives: a watch stays a stream.
 */
export function watchEventFilter(dir: Buffer): Transform {
  let pending = '';
  const decoder = new StringDecoder('utf8');
  const filterLine = (line: string): string | undefined => {
    if (line.trim() === '') return line;
    let msg: unknown;
    try {
      msg = JSON.parse(line);
    } catch {
      return undefined;
    }
    const result = (msg as { result?: { events?: unknown } } | null)?.result;
    if (!result || !Array.isArray(result.events)) return line;
    const kept = result.events.filter((e) => keyInside((e as { kv?: unknown } | null)?.kv, dir));
    if (kept.length === result.events.length) return line;
    if (kept.length === 0) return undefined;
    result.events = kept;
    return JSON.stringify(msg);
  };
  return new Transform({
    transform(chunk: Buffer, _enc, done: TransformCallback) {
      pending += decoder.write(chunk);
      let out = '';
      let nl = pending.indexOf('\n');
      while (nl >= 0) {
        const kept = filterLine(pending.slice(0, nl));
        if (kept !== undefined) out += `${kept}\n`;
        pending = pending.slice(nl + 1);
        nl = pending.indexOf('\n');
      }
      if (pending.length > MAX_MESSAGE) return done(new Error('a watch message exceeded 8 MiB'));
      done(null, out.length > 0 ? out : undefined);
    },
    flush(done: TransformCallback) {
      pending += decoder.end();
      const kept = pending === '' ? undefined : filterLine(pending);
      done(null, kept);
    },
  });
}
