import { CloudApiError } from '../cloud/errors.ts';
import { EngineUnavailableError, ImageNotFoundError, OperationAbortedError, PortInUseError, RegistryUnreachableError } from '../engine/errors.ts';
import { isReasonCode, type ReasonCode } from './reason-codes.ts';

function errnoOf(err: Error): string | undefined {
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** The reason of one error, without looking at its causes. */
function ownReason(err: Error): ReasonCode | undefined {
  const own = (err as { reason?: unknown }).reason;
  if (isReasonCode(own)) return own;
  if (err instanceof EngineUnavailableError) return 'engine-unavailable';
  if (err instanceof PortInUseError) return 'port-in-use';
  if (err instanceof ImageNotFoundError) return 'image-not-found';
  if (err instanceof RegistryUnreachableError) return 'registry-unreachable';
  if (err instanceof OperationAbortedError) return 'cancelled';
  if (err instanceof CloudApiError) {
    if (err.kind === 'unauthorized') return 'token-refused';
    // The client folds the socket error into its message: a refused connection means nothing listens.
    if (err.kind === 'network') return /ECONNREFUSED|ENOENT/.test(err.message) ? 'control-plane-down' : 'control-plane-unreachable';
    return undefined;
  }
  const errno = errnoOf(err);
  if (errno === 'ENOSPC' || /no space left on device/i.test(err.message)) return 'disk-full';
  return undefined;
}

/**
 * The stable reason of a failure: the error's own `reason`, else what its class or errno says, else
 * that of its cause (a GatewayError wraps the engine's or the control plane's error).
 */
export function reasonOf(err: unknown): ReasonCode | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 8 && current instanceof Error; depth += 1) {
    const found = ownReason(current);
    if (found) return found;
    current = current.cause;
  }
  return undefined;
}
