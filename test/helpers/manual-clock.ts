import type { Clock } from '../../src/control-plane/clock.ts';

/** The control plane's clock, moved by hand: thresholds and last-seen ages without waiting on the real one. */
export class ManualClock implements Clock {
  constructor(private t: number) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
}
