/**
 * Typed engine errors. Each message says what happened and what to do about it, because the tray
 * shows them to the user as they are.
 */

export class EngineError extends Error {
  override name = 'EngineError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The daemon does not answer at the endpoint (not running, wrong socket, no permission, too slow). */
export class EngineUnavailableError extends EngineError {
  override name = 'EngineUnavailableError';
  /** The stable reason (src/core/reasons), an own property so it crosses IPC. */
  readonly reason = 'engine-unavailable' as const;
  constructor(
    readonly endpoint: string,
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(`${detail}`, options);
  }
}

/** A host URL or TLS setting that cannot be used, such as `ssh://` or a missing cert.pem. */
export class EngineConfigError extends EngineError {
  override name = 'EngineConfigError';
}

export class PortInUseError extends EngineError {
  override name = 'PortInUseError';
  /** The stable reason (src/core/reasons), an own property so it crosses IPC. */
  readonly reason = 'port-in-use' as const;
  constructor(
    readonly port: number,
    readonly hostIp: string | undefined,
    options?: { cause?: unknown },
  ) {
    const where = hostIp && hostIp !== '0.0.0.0' ? ` on ${hostIp}` : '';
    super(
      `Port ${port}${where} is in use by another process; choose another port in the profile or stop what uses it`,
      options,
    );
  }
}

export class ImageNotFoundError extends EngineError {
  override name = 'ImageNotFoundError';
  /** The stable reason (src/core/reasons), an own property so it crosses IPC. */
  readonly reason = 'image-not-found' as const;
  constructor(
    readonly image: string,
    options?: { cause?: unknown },
  ) {
    super(`Image ${image} was not found in its registry: check the name and tag`, options);
  }
}

export class RegistryUnreachableError extends EngineError {
  override name = 'RegistryUnreachableError';
  /** The stable reason (src/core/reasons), an own property so it crosses IPC. */
  readonly reason = 'registry-unreachable' as const;
  constructor(
    readonly image: string,
    readonly registry: string,
    detail: string,
    options?: { cause?: unknown },
  ) {
    super(
      `The registry ${registry} could not be reached to pull ${image} (${detail}): check your network, proxy and registry settings, then try again`,
      options,
    );
  }
}

export class ContainerNotFoundError extends EngineError {
  override name = 'ContainerNotFoundError';
  constructor(
    readonly container: string,
    options?: { cause?: unknown },
  ) {
    super(`Container ${container} no longer exists: it was removed outside the app; launch the gateway again`, options);
  }
}

export class ContainerFileNotFoundError extends EngineError {
  override name = 'ContainerFileNotFoundError';
  constructor(
    readonly container: string,
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(`No file ${path} in container ${container}`, options);
  }
}

/** Named AbortError like the platform's, so generic `err.name === 'AbortError'` checks work. */
export class OperationAbortedError extends EngineError {
  override name = 'AbortError';
  readonly reason = 'cancelled' as const;
  constructor(what: string, options?: { cause?: unknown }) {
    super(`${what} was cancelled`, options);
  }
}

/** What dockerode/docker-modem attach to a failed request. */
interface ModemError {
  statusCode?: number;
  json?: unknown;
  code?: string;
  message?: string;
}

export function statusCodeOf(err: unknown): number | undefined {
  const code = (err as ModemError | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

/** The daemon's own message when it sent one, otherwise the error's message. */
export function dockerMessage(err: unknown): string {
  const json = (err as ModemError | null)?.json;
  if (json && typeof json === 'object' && 'message' in json && typeof json.message === 'string') return json.message;
  if (typeof json === 'string' && json.trim()) return json.trim();
  // docker-modem prefixes the daemon's text with "(HTTP code 404) unexpected - ".
  if (err instanceof Error) return err.message.replace(/^\(HTTP code \d+\)[^-]*- /, '').trim();
  return String(err);
}

const CONNECTION_CODES = new Set(['ENOENT', 'ECONNREFUSED', 'EACCES', 'EPERM', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

/** Node's codes for a TLS handshake that failed on either side. */
function isTlsCode(code: string | undefined): boolean {
  return !!code && /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|EPROTO$)/.test(code);
}

/** True when the request never reached a daemon (as opposed to the daemon answering with an error). */
export function isConnectionError(err: unknown): boolean {
  if (err instanceof EngineUnavailableError) return true;
  const e = err as ModemError | null;
  if (!e || statusCodeOf(err) !== undefined) return false;
  if (e.code && (CONNECTION_CODES.has(e.code) || isTlsCode(e.code))) return true;
  return (err as Error).name === 'TimeoutError' || /socket hang up/i.test(e.message ?? '');
}

/** Turns a failure to reach the daemon into a message that says what to do. */
export function engineUnavailable(endpoint: string, err: unknown): EngineUnavailableError {
  const e = err as ModemError | null;
  const code = e?.code;
  let detail: string;
  if (code === 'EACCES' || code === 'EPERM') {
    detail = `Permission denied on the Docker socket at ${endpoint}: add your user to the 'docker' group (then log out and in), or choose another engine`;
  } else if ((err as Error | null)?.name === 'TimeoutError' || code === 'ETIMEDOUT') {
    detail = `Docker did not answer at ${endpoint} in time: check that Docker is running and responsive, then try again`;
  } else if (isTlsCode(code) || (code === 'ECONNRESET' && endpoint.startsWith('tcp://') && /certificate|tls|ssl/i.test(e?.message ?? ''))) {
    detail = `The TLS connection to Docker at ${endpoint} failed (${e?.message ?? code}): check the certificates in DOCKER_CERT_PATH or the docker context (ca.pem, cert.pem, key.pem)`;
  } else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    detail = `The Docker host in ${endpoint} cannot be resolved: check the engine address in settings or DOCKER_HOST`;
  } else {
    detail = `Docker is not running at ${endpoint}: start Docker (or Docker Desktop) and try again`;
  }
  return new EngineUnavailableError(endpoint, detail, { cause: err });
}
