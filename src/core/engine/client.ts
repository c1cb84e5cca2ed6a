import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { join } from 'node:path';
import Docker from 'dockerode';
import { z } from 'zod';
import {
  EngineConfigError,
  EngineUnavailableError,
  OperationAbortedError,
  dockerMessage,
  engineUnavailable,
  isConnectionError,
  statusCodeOf,
} from './errors.ts';
import type { EngineEndpoint, EngineVersion } from './types.ts';

/** How long a ping may take before the engine counts as unavailable: fail fast, never hang. */
export const DEFAULT_PING_TIMEOUT_MS = 3000;

function readPem(dir: string, file: string): Buffer {
  try {
    return readFileSync(join(dir, file));
  } catch (err) {
    throw new EngineConfigError(`Cannot read ${file} in ${dir} for the Docker TLS connection: check DOCKER_CERT_PATH or the docker context`, {
      cause: err,
    });
  }
}

/**
 * A dockerode client bound to exactly this endpoint. Every connection field is set, so docker-modem's
 * own reading of DOCKER_HOST and friends cannot mix a second endpoint into it.
 */
export function createDockerClient(endpoint: EngineEndpoint): Docker {
  const options: Docker.DockerOptions & { agent?: Agent } = {
    socketPath: undefined,
    host: undefined,
    port: undefined,
    ca: undefined,
    cert: undefined,
    key: undefined,
    protocol: 'http',
  };
  if (endpoint.protocol === 'tcp') {
    options.host = endpoint.host;
    options.port = endpoint.port;
    if (endpoint.tls) {
      const { certPath, verify } = endpoint.tls;
      options.protocol = 'https';
      options.ca = verify ? readPem(certPath, 'ca.pem') : undefined;
      options.cert = readPem(certPath, 'cert.pem');
      options.key = readPem(certPath, 'key.pem');
      // DOCKER_TLS without VERIFY: encrypt, but accept the daemon's certificate as the docker CLI does.
      if (!verify) options.agent = new Agent({ rejectUnauthorized: false });
    }
  } else {
    options.socketPath = endpoint.socketPath;
  }
  try {
    return new Docker(options);
  } catch (err) {
    // docker-modem reads DOCKER_CERT_PATH files from the environment in its constructor.
    throw new EngineConfigError(`Cannot set up the Docker client for ${endpoint.url}: ${(err as Error).message}`, { cause: err });
  }
}

const versionSchema = z.looseObject({
  Version: z.string(),
  ApiVersion: z.string(),
  Os: z.string().optional(),
  Arch: z.string().optional(),
});

type WithSignal = (opts: { abortSignal: AbortSignal }) => Promise<unknown>;

/**
 * Pings the daemon and reads its version, within `timeoutMs`. Throws EngineUnavailableError with a message
 * that says what to do, or OperationAbortedError when `signal` fires first.
 */
export async function pingEngine(
  docker: Docker,
  endpoint: EngineEndpoint,
  opts: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<EngineVersion> {
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? DEFAULT_PING_TIMEOUT_MS);
  const signal = opts.signal ? AbortSignal.any([timeout, opts.signal]) : timeout;
  try {
    // The typings omit the options argument that dockerode accepts for both calls.
    await (docker.ping as unknown as WithSignal).call(docker, { abortSignal: signal });
    const raw = await (docker.version as unknown as WithSignal).call(docker, { abortSignal: signal });
    const parsed = versionSchema.safeParse(raw);
    if (!parsed.success) {
      throw new EngineUnavailableError(endpoint.url, `The service at ${endpoint.url} does not answer like a Docker engine: check the engine address`);
    }
    const { Version, ApiVersion, Os, Arch } = parsed.data;
    return { version: Version, apiVersion: ApiVersion, os: Os ?? 'unknown', arch: Arch ?? 'unknown' };
  } catch (err) {
    if (err instanceof EngineUnavailableError) throw err;
    if (opts.signal?.aborted) throw new OperationAbortedError('The Docker ping', { cause: err });
    if (timeout.aborted) throw engineUnavailable(endpoint.url, Object.assign(new Error('timed out'), { name: 'TimeoutError' }));
    const status = statusCodeOf(err);
    if (status !== undefined) {
      throw new EngineUnavailableError(
        endpoint.url,
        `Docker at ${endpoint.url} answered with an error (${dockerMessage(err)}): restart Docker and try again`,
        { cause: err },
      );
    }
    throw engineUnavailable(endpoint.url, err);
  }
}

/** The endpoint a client talks to, as a URL for messages. */
export function endpointUrlOf(docker: Docker): string {
  const modem = docker.modem as { socketPath?: unknown; host?: string; port?: string | number };
  if (typeof modem.socketPath === 'string') {
    return modem.socketPath.startsWith('//./pipe/') ? `npipe://${modem.socketPath}` : `unix://${modem.socketPath}`;
  }
  if (modem.host) return `tcp://${modem.host}:${modem.port ?? ''}`;
  return 'the Docker endpoint';
}

/** A failure to reach the daemon becomes EngineUnavailableError; anything else is returned as is. */
export function unavailableOr(docker: Docker, err: unknown): unknown {
  return isConnectionError(err) ? engineUnavailable(endpointUrlOf(docker), err) : err;
}
