import type { ReasonCode } from '../reasons/reason-codes.ts';
import { reasonOf } from '../reasons/reason-of.ts';
import type { LaunchStage } from './types.ts';

/**
 * A gateway operation that failed, with what to do about it. `logTail` holds the last lines of the
 * container's log when a container was involved; the message already quotes them.
 */
export class GatewayError extends Error {
  override name = 'GatewayError';
  readonly stage: LaunchStage | 'stop' | 'restart' | 'renew' | 'adopt';
  readonly logTail: string[];
  /** Why, apart from where (`stage`): set when the thrower knows; reasonOf() also reads the cause. */
  readonly reason: ReasonCode | undefined;

  constructor(stage: GatewayError['stage'], message: string, options: { cause?: unknown; logTail?: string[]; reason?: ReasonCode } = {}) {
    const tail = options.logTail ?? [];
    super(tail.length > 0 ? `${message}\n--- last lines of the gateway log ---\n${tail.join('\n')}` : message, { cause: options.cause });
    this.stage = stage;
    this.logTail = tail;
    // Taken from the cause when not given, so that it crosses IPC as an own property of this error.
    this.reason = options.reason ?? reasonOf(options.cause);
  }
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
