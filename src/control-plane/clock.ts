/** The control plane's own clock: liveness is judged on it, never on a time sent by a gateway. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
