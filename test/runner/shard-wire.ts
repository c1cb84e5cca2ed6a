/**
 * What a unit shard (test/runner/unit-shard.ts) and the runner say to each other over the IPC channel,
 * and how a test event crosses it. The channel's structured clone keeps an Error's message and stack
 * but drops what the TAP reporter reads from it (code, failureType, cause, expected, actual), and it
 * refuses functions, so an event is turned into plain data on the way out and Errors are rebuilt on
 * the way in.
 */
import { inspect } from 'node:util';

export interface TestEvent {
  type: string;
  data: { name?: string; nesting?: number; skip?: unknown; todo?: unknown; message?: string; file?: string; [key: string]: unknown };
}

/** Runner to shard. */
export type ToShard = { type: 'run'; file: string; name: string };

/**
 * Shard to runner: `done` follows the last event of the file whose wrapper suite is `name`; `checked`
 * says what that file left behind in the shard (test/runner/leftovers.ts). A file is over when both came.
 */
export type FromShard =
  | { type: 'ready' }
  | { type: 'event'; event: unknown }
  | { type: 'done'; name: string }
  | { type: 'checked'; name: string; leftovers: string[] };

const WIRE_ERROR = '__gatewayTrayWireError';
const MAX_DEPTH = 12;

interface WireError {
  name: string;
  message: string;
  stack: string | undefined;
  props: Record<string, unknown>;
}

export function toWire(value: unknown, depth = 0): unknown {
  if (typeof value === 'function' || typeof value === 'symbol') return inspect(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth > MAX_DEPTH) return inspect(value, { depth: 2 });
  if (value instanceof Error) {
    const props: Record<string, unknown> = {};
    for (const key of Object.getOwnPropertyNames(value)) {
      if (key !== 'stack' && key !== 'message') props[key] = toWire((value as unknown as Record<string, unknown>)[key], depth + 1);
    }
    const wire: WireError = { name: value.name, message: value.message, stack: value.stack, props };
    return { [WIRE_ERROR]: wire };
  }
  if (Array.isArray(value)) return value.map((v) => toWire(v, depth + 1));
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toWire(v, depth + 1)]));
  }
  try {
    return structuredClone(value);
  } catch {
    return inspect(value, { depth: 4 });
  }
}

export function fromWire(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(fromWire);
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return value;
  const record = value as Record<string, unknown>;
  const wire = record[WIRE_ERROR] as WireError | undefined;
  if (wire) {
    const error = new Error(wire.message);
    for (const [key, v] of Object.entries(wire.props)) Object.defineProperty(error, key, { value: fromWire(v), writable: true, configurable: true, enumerable: key !== 'name' && key !== 'cause' });
    Object.defineProperty(error, 'name', { value: wire.name, writable: true, configurable: true, enumerable: false });
    error.stack = wire.stack;
    return error;
  }
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, fromWire(v)]));
}
