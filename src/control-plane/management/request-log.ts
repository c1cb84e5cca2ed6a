import type { IncomingMessage, ServerResponse } from 'node:http';
import { redactSecrets } from '../../core/log/redact.ts';

/** Query parameters whose value may be a secret; their values never reach the log. */
const SECRET_PARAM = /token|secret|passw|key|auth|signature|credential|session|cookie/i;
const MAX_PATH = 512;

/** The request's path and query for the log, with secret-looking parameter values replaced. */
export function loggablePath(rawUrl: string | undefined): string {
  const raw = rawUrl ?? '/';
  let text: string;
  try {
    const url = new URL(raw, 'http://localhost');
    const query = [...url.searchParams].map(([k, v]) => `${encodeURIComponent(k)}=${SECRET_PARAM.test(k) ? '[redacted]' : encodeURIComponent(v)}`);
    text = query.length > 0 ? `${url.pathname}?${query.join('&')}` : url.pathname;
  } catch {
    // A URL that does not parse: its query could hold anything, so only the part before it is logged.
    text = raw.split('?')[0] ?? '/';
  }
  return text.length > MAX_PATH ? `${text.slice(0, MAX_PATH)}…` : text;
}

/**
 * One log line per management request, written when the answer is sent (or the client went away first):
 * method, path, status and milliseconds. Headers are never logged, so neither is the bearer token; the
 * line still goes through the redactor in case a path carries something token-shaped.
 */
export function logRequest(req: IncomingMessage, res: ServerResponse, log: (line: string) => void): void {
  const started = performance.now();
  const what = `${req.method ?? '?'} ${loggablePath(req.url)}`;
  let done = false;
  const write = (outcome: string) => {
    if (done) return;
    done = true;
    log(redactSecrets(`management API: ${what} ${outcome} ${Math.round(performance.now() - started)} ms`));
  };
  res.once('finish', () => write(String(res.statusCode)));
  res.once('close', () => write(res.writableFinished ? String(res.statusCode) : 'closed before the answer was sent, after'));
}
