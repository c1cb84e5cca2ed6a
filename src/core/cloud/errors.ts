/** Why a management-API call failed, so callers can react (re-login, show "not found", retry later). */
export type CloudErrorKind =
  | 'unauthorized' // HTTP 401 / code 6: the token is wrong, expired or revoked
  | 'not-found' // HTTP 404 / code 4
  | 'bad-request' // HTTP 400 / code 3
  | 'server' // HTTP 5xx, or an error envelope with another code
  | 'network' // no answer: refused, reset, timed out
  | 'protocol'; // an answer that is not the envelope the contract promises

export class CloudApiError extends Error {
  override name = 'CloudApiError';
  constructor(
    readonly kind: CloudErrorKind,
    message: string,
    readonly httpStatus?: number,
    readonly code?: number,
  ) {
    super(message);
  }
}
