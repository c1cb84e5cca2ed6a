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

export function sendEnvelope(res: ServerResponse, code: number, payload?: unknown, error?: string, httpStatus?: number): void {
  if (res.headersSent || res.destroyed) return;
  const body: Record<string, unknown> = { status: { code, message: MESSAGE_OF[code] ?? 'Error' } };
  if (payload !== undefined) body.payload = payload;
  if (error !== undefined) body.error = error;
  const text = JSON.stringify(body);
  res.writeHead(httpStatus ?? HTTP_OF[code] ?? 500, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

export const sendOk = (res: ServerResponse, payload: unknown) => sendEnvelope(res, Code.OK, payload);
