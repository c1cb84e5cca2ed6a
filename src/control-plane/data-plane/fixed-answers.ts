import type { ServerResponse } from 'node:http';
import { Code } from '../management/envelope.ts';

/**
 * The envelopes a gateway gets back on every heartbeat and metrics post, serialized once: their content
 * never varies (PROTOCOL §2.1), and at 10,000 gateways a JSON.stringify per answer is pure churn. The
 * bytes and headers are those sendEnvelope writes.
 */
export function fixedOk(payload: unknown): { text: string; length: number } {
  const text = JSON.stringify({ status: { code: Code.OK, message: 'OK' }, payload });
  return { text, length: Buffer.byteLength(text) };
}

export function sendFixed(res: ServerResponse, answer: { text: string; length: number }): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(200, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': answer.length,
    'cache-control': 'no-store',
  });
  res.end(answer.text);
}
