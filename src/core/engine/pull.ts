import type Docker from 'dockerode';
import {
  EngineError,
  ImageNotFoundError,
  OperationAbortedError,
  RegistryUnreachableError,
  dockerMessage,
  isConnectionError,
  statusCodeOf,
} from './errors.ts';
import { unavailableOr } from './client.ts';
import { initialPullState, pullEventError, pullEventSchema, pullProgressOf, reducePullEvent } from './pull-progress.ts';
import { createThrottle, type ThrottleClock } from './throttle.ts';
import type { PullProgress } from './types.ts';

export interface PullOptions {
  signal?: AbortSignal;
  onProgress?: (progress: PullProgress) => void;
  /** At most this many progress updates a second (the final one is always sent). */
  updatesPerSecond?: number;
  clock?: ThrottleClock;
}

/** The registry an image reference names, as Docker reads it (docker.io when the first part is no host). */
export function registryOf(image: string): string {
  const slash = image.indexOf('/');
  if (slash < 0) return 'docker.io';
  const first = image.slice(0, slash);
  return /[.:]/.test(first) || first === 'localhost' ? first : 'docker.io';
}

const NOT_FOUND = /manifest unknown|not found|repository does not exist|no such image|name unknown/i;
const UNREACHABLE =
  /dial tcp|connection refused|no such host|i\/o timeout|TLS handshake timeout|server gave HTTP response to HTTPS client|network is unreachable|connection reset|context deadline exceeded|x509:/i;

/** Turns Docker's pull failure (an HTTP error or an in-band error line) into a typed error that says what to do. */
export function classifyPullError(image: string, message: string, cause?: unknown): EngineError {
  if (UNREACHABLE.test(message)) return new RegistryUnreachableError(image, registryOf(image), message, { cause });
  if (NOT_FOUND.test(message)) return new ImageNotFoundError(image, { cause });
  if (/invalid reference format/i.test(message)) {
    return new EngineError(`${image} is not a valid image name: use repository[:tag], e.g. apache/apisix:3.13.0-debian`, { cause });
  }
  if (/unauthorized|authentication required|denied/i.test(message)) {
    return new EngineError(`The registry ${registryOf(image)} refused to serve ${image} (${message}): log in with 'docker login' or check the name`, {
      cause,
    });
  }
  return new EngineError(`Pulling ${image} failed: ${message}`, { cause });
}

/** The local image's id (`sha256:…`), or undefined when it is not present. */
export async function localImageId(docker: Docker, image: string): Promise<string | undefined> {
  try {
    return (await docker.getImage(image).inspect()).Id;
  } catch (err) {
    if (statusCodeOf(err) === 404) return undefined;
    throw err;
  }
}

export async function imageExists(docker: Docker, image: string): Promise<boolean> {
  return (await localImageId(docker, image)) !== undefined;
}

/**
 * Pulls an image, reporting one aggregated progress value at most `updatesPerSecond` times a second.
 * Resolves with the final progress; rejects with a typed error, or OperationAbortedError when `signal` fires.
 */
export function pullImage(docker: Docker, image: string, opts: PullOptions = {}): Promise<PullProgress> {
  const { signal } = opts;
  if (signal?.aborted) return Promise.reject(new OperationAbortedError(`Pulling ${image}`));
  const throttle = createThrottle<PullProgress>((p) => opts.onProgress?.(p), 1000 / (opts.updatesPerSecond ?? 10), opts.clock);
  const state = initialPullState();

  return new Promise<PullProgress>((resolve, reject) => {
    let stream: (NodeJS.ReadableStream & { destroy?: () => void }) | undefined;
    let inBandError: string | undefined;
    const onAbort = (): void => stream?.destroy?.();
    signal?.addEventListener('abort', onAbort, { once: true });
    const settle = (err: Error | undefined, result?: PullProgress): void => {
      signal?.removeEventListener('abort', onAbort);
      if (err) {
        throttle.cancel();
        reject(err);
      } else resolve(result!);
    };

    docker.pull(image, { abortSignal: signal }).then(
      (s) => {
        stream = s;
        if (signal?.aborted) stream.destroy?.();
        docker.modem.followProgress(
          s,
          (err) => {
            if (signal?.aborted) return settle(new OperationAbortedError(`Pulling ${image}`, { cause: err }));
            if (err) return settle(isConnectionError(err) ? (unavailableOr(docker, err) as Error) : classifyPullError(image, err.message, err));
            if (inBandError !== undefined) return settle(classifyPullError(image, inBandError));
            if (!state.finished) {
              return settle(new EngineError(`Pulling ${image} ended before Docker reported it complete: try again`));
            }
            const final = pullProgressOf(state);
            throttle.flush(final);
            settle(undefined, final);
          },
          (raw: unknown) => {
            const parsed = pullEventSchema.safeParse(raw);
            if (!parsed.success) return;
            const error = pullEventError(parsed.data);
            if (error !== undefined) {
              inBandError = error;
              return;
            }
            reducePullEvent(state, parsed.data);
            if (!state.finished) throttle.push(pullProgressOf(state));
          },
        );
      },
      (err: unknown) => {
        if (signal?.aborted) return settle(new OperationAbortedError(`Pulling ${image}`, { cause: err }));
        if (isConnectionError(err)) return settle(unavailableOr(docker, err) as Error);
        settle(classifyPullError(image, dockerMessage(err), err));
      },
    );
  });
}

export interface EnsuredImage {
  pulled: boolean;
  /** The local image's id: a container made from another id of the same tag is from an older image. */
  id: string;
}

/** Pulls the image only when it is not already present. */
export async function ensureImage(docker: Docker, image: string, opts: PullOptions = {}): Promise<EnsuredImage> {
  const present = await localImageId(docker, image);
  if (present) return { pulled: false, id: present };
  await pullImage(docker, image, opts);
  const id = await localImageId(docker, image);
  if (!id) throw new EngineError(`Docker pulled ${image} but does not list it`);
  return { pulled: true, id };
}
