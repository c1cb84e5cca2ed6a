import type { Engine } from '../engine/engine.ts';
import type { EnsuredImage } from '../engine/pull.ts';
import { GatewayError, messageOf } from './errors.ts';
import type { LaunchProgress } from './types.ts';

/** The image is present, or pulled with progress; a pull failure says what to do (engine errors do). */
export async function ensureGatewayImage(
  engine: Engine,
  image: string,
  onProgress?: (p: LaunchProgress) => void,
  signal?: AbortSignal,
): Promise<EnsuredImage> {
  try {
    return await engine.ensureImage(image, {
      ...(signal ? { signal } : {}),
      updatesPerSecond: 5,
      onProgress: (pull) => onProgress?.({ stage: 'image', status: 'progress', message: `Pulling ${image}: ${pull.percent}%`, pull }),
    });
  } catch (err) {
    throw new GatewayError('image', messageOf(err), { cause: err });
  }
}
