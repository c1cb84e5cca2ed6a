import type { ServerResponse } from 'node:http';

/**
 * Result codes of the envelope. 4 and 6 are API7's; 3, 7 and 13 are ours (PROTOCOL §1 leaves them open)
 * and follow gRPC's numbering, as 4 and 6 already do. 7 (forbidden) is only used by the data-plane
 * endpoint, for a certificate bound to another instance.
 */
export const Code = { OK: 0, BAD_REQUEST: 3, NOT_FOUND: 4, UNAUTHORIZED: 6, FORBIDDEN: 7, INTERNAL: 13 } as const;

const HTTP_OF: Record<number, number> = { 0: 200, 3: 400, 4: 404, 6: 401, 7: 403, 13: 500 };
const MESSAGE_OF: Record<number, string> = { 0: 'OK', 3: 'Bad Request', 4: 'Not Found', 6: 'Unauthorized', 7: 'Forbidden', 13: 'Internal Error' };

/** An error a handler throws to answer with an error envelope. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly code: (typeof Code)[keyof typeof Code],
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (msg: string) => new ApiError(Code.BAD_REQUEST, msg);
export const notFound = (msg: string) => new ApiError(Code.NOT_FOUND, msg);

/** An envelope as it goes on the wire: its text and byte length. */
export interface EnvelopeText {
  text: string;
  length: number;
}

export function envelopeText(code: number, payload?: unknown, error?: string): EnvelopeText {
  const body: Record<string, unknown> = { status: { code, message: MESSAGE_OF[code] ?? 'Error' } };
  if (payload !== undefined) body.payload = payload;
  if (error !== undefined) body.error = error;
  const text = JSON.stringify(body);
  return { text, length: Buffer.byteLength(text) };
}

/**
 * Writes an envelope already serialized: the data plane answers every heartbeat and metrics post with
 * one that never varies (PROTOCOL §2.1), made once, since at 10,000 gateways a JSON.stringify per answer
 * is pure churn.
 */
export function sendEnvelopeText(res: ServerResponse, httpStatus: number, envelope: EnvelopeText): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(httpStatus, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': envelope.length,
    'cache-control': 'no-store',
  });
  res.end(envelope.text);
}

export function sendEnvelope(res: ServerResponse, code: number, payload?: unknown, error?: string, httpStatus?: number): void {
  if (res.headersSent || res.destroyed) return;
  sendEnvelopeText(res, httpStatus ?? HTTP_OF[code] ?? 500, envelopeText(code, payload, error));
}

export const sendOk = (res: ServerResponse, payload: unknown) => sendEnvelope(res, Code.OK, payload);
