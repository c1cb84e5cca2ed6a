/** Download speed from byte counts over time: bytes per second over the last few seconds. */
export class PullRate {
  #samples: Array<{ at: number; bytes: number }> = [];
  #first: { at: number; bytes: number } | undefined;
  constructor(private readonly windowMs = 3000) {}

  add(at: number, bytes: number): void {
    this.#first ??= { at, bytes };
    this.#samples.push({ at, bytes });
    while (this.#samples.length > 2 && at - this.#samples[0]!.at > this.windowMs) this.#samples.shift();
  }

  /** Bytes per second, or undefined before two samples some time apart. */
  perSecond(): number | undefined {
    const first = this.#samples[0];
    const last = this.#samples[this.#samples.length - 1];
    if (!first || !last || last.at - first.at < 200) return undefined;
    return Math.max(0, ((last.bytes - first.bytes) * 1000) / (last.at - first.at));
  }

  /** Bytes per second over the whole pull so far: what a finished pull reports as its speed. */
  average(): number | undefined {
    const last = this.#samples[this.#samples.length - 1];
    if (!this.#first || !last || last.at <= this.#first.at) return undefined;
    return Math.max(0, ((last.bytes - this.#first.bytes) * 1000) / (last.at - this.#first.at));
  }

  reset(): void {
    this.#samples = [];
    this.#first = undefined;
  }
}
