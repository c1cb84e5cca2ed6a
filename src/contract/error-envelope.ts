import { z } from 'zod';

/*
 * How errors cross IPC (ARCHITECTURE.md): as an envelope that the receiving side rebuilds into an Error,
 * since Electron's contextBridge keeps only an error's message. Part of the one IPC contract, which
 * re-exports all of it.
 */

export interface ErrorInfo {
  name: string;
  message: string;
  /** Where it failed (a launch stage) or the contract's own code. */
  code?: string;
  /** Why, as a stable reason code (README, "Exit codes"): port-in-use, token-refused, … */
  reason?: string;
}

export type Envelope<R> = { ok: true; value: R } | { ok: false; error: ErrorInfo };

/** An error the contract itself raises (bad argument, foreign sender, unknown channel). */
export class ContractError extends Error {
  override name = 'ContractError';
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
  }
}

/** An error rebuilt on the receiving side of the envelope. */
export class RemoteError extends Error {
  readonly code: string | undefined;
  readonly reason: string | undefined;
  constructor(info: ErrorInfo) {
    super(info.message);
    this.name = info.name;
    this.code = info.code;
    this.reason = info.reason;
  }
}

export function toErrorInfo(err: unknown): ErrorInfo {
  if (err instanceof Error) {
    const code = (err as { code?: unknown; stage?: unknown }).code ?? (err as { stage?: unknown }).stage;
    const reason = (err as { reason?: unknown }).reason;
    return { name: err.name || 'Error', message: err.message, ...(typeof code === 'string' ? { code } : {}), ...(typeof reason === 'string' ? { reason } : {}) };
  }
  return { name: 'Error', message: String(err) };
}

export const okEnvelope = <R>(value: R): Envelope<R> => ({ ok: true, value });
export const errorEnvelope = (err: unknown): Envelope<never> => ({ ok: false, error: toErrorInfo(err) });

const envelopeSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: z.object({ name: z.string(), message: z.string(), code: z.string().optional(), reason: z.string().optional() }) }),
]);

/** Unwraps an envelope: the value, or the error rebuilt as an Error (thrown). */
export function unwrapEnvelope<R>(raw: unknown): R {
  const parsed = envelopeSchema.safeParse(raw);
  if (!parsed.success) throw new ContractError('The answer from the app was not an envelope; restart Gateway Tray.', 'bad-envelope');
  if (parsed.data.ok) return parsed.data.value as R;
  throw new RemoteError(parsed.data.error);
}
