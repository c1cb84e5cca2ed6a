import { GatewayError } from '../gateway/errors.ts';

/** What holds a profile's turn: a user's launch or restart, or the control plane's recreate of a stale gateway. */
export interface TurnHolder {
  what: string;
}

export interface TurnOptions {
  /** Called once per holder waited for, with what it does, so a waiting launch can say why. */
  onWait?: (holder: TurnHolder) => void;
  /** Aborts the wait (a cancelled launch); the job then never runs. */
  signal?: AbortSignal;
}

/**
 * One launch at a time per profile, in this process: the user's launches and restarts and the automatic
 * recreate of stale gateways take turns, so two launch flows never create containers of one profile at
 * once. A job that comes while another runs waits for it and then runs (and then usually finds the
 * gateway the first one made, and adopts it).
 */
export class LaunchTurns {
  readonly #held = new Map<string, { holder: TurnHolder; done: Promise<void> }>();

  /** What holds the turn of this profile now, if anything. */
  holder(profile: string): TurnHolder | undefined {
    return this.#held.get(profile)?.holder;
  }

  async run<T>(profile: string, what: string, job: () => Promise<T>, opts: TurnOptions = {}): Promise<T> {
    for (let held = this.#held.get(profile); held; held = this.#held.get(profile)) {
      opts.onWait?.(held.holder);
      await untilDoneOrAborted(held.done, opts.signal, held.holder);
    }
    // Taken in the same tick as the check above: of two waiters woken together, one runs, one waits again.
    let release!: () => void;
    const done = new Promise<void>((resolve) => (release = resolve));
    this.#held.set(profile, { holder: { what }, done });
    try {
      return await job();
    } finally {
      this.#held.delete(profile);
      release();
    }
  }
}

function untilDoneOrAborted(done: Promise<void>, signal: AbortSignal | undefined, holder: TurnHolder): Promise<void> {
  const cancelled = () => new GatewayError('control-plane', `The launch was cancelled while it waited for ${holder.what}.`, { reason: 'cancelled' });
  if (!signal) return done;
  if (signal.aborted) return Promise.reject(cancelled());
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => reject(cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    void done.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}
