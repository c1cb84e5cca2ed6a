import { z } from 'zod';
import { CloudApiError, type CloudErrorKind } from './errors.ts';

export const Envelope = z.looseObject({
  status: z.looseObject({ code: z.number().int(), message: z.string().optional() }),
  payload: z.unknown().optional(),
  error: z.string().optional(),
});

function kindOf(httpStatus: number, code: number | undefined): CloudErrorKind {
  if (httpStatus === 401 || code === 6) return 'unauthorized';
  if (httpStatus === 404 || code === 4) return 'not-found';
  if (httpStatus === 400 || code === 3) return 'bad-request';
  return 'server';
}

/**
 * Unwraps PROTOCOL §1's envelope and checks the payload's shape. A non-JSON body or a 5xx without an
 * envelope (a proxy's HTML error page, say) becomes a typed error that names the status, not a crash.
 */
export function unwrapEnvelope<T>(what: string, httpStatus: number, text: string, payload: z.ZodType<T>): T {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    const snippet = text.replace(/\s+/g, ' ').trim().slice(0, 120);
    if (httpStatus >= 500) throw new CloudApiError('server', `${what}: the control plane failed with HTTP ${httpStatus}${snippet ? ` (${snippet})` : ''}; try again later`, httpStatus);
    throw new CloudApiError(httpStatus >= 400 ? kindOf(httpStatus, undefined) : 'protocol', `${what}: HTTP ${httpStatus} with a body that is not JSON; is the control-plane URL right?`, httpStatus);
  }
  const env = Envelope.safeParse(json);
  if (!env.success) {
    const kind = httpStatus >= 400 ? kindOf(httpStatus, undefined) : 'protocol';
    throw new CloudApiError(kind, `${what}: HTTP ${httpStatus} without the expected envelope; is the control-plane URL right?`, httpStatus);
  }
  const { status, error } = env.data;
  if (httpStatus !== 200 || status.code !== 0) {
    const detail = error ?? status.message ?? 'no detail';
    throw new CloudApiError(kindOf(httpStatus, status.code), `${what}: ${detail}`, httpStatus, status.code);
  }
  const parsed = payload.safeParse(env.data.payload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CloudApiError('protocol', `${what}: unexpected payload (${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid'})`, httpStatus, 0);
  }
  return parsed.data;
}
