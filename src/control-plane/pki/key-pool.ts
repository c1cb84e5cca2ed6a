import { generateRsaKeyPair, type KeyPairPem } from './keys.ts';

/** Where a leaf certificate's key pair comes from. */
export type KeySource = () => Promise<KeyPairPem>;

export const freshRsaKeys: KeySource = () => generateRsaKeyPair(2048);

/**
 * A few client key pairs made ahead of need, so that minting a gateway certificate does not wait
 * 100-250 ms for an RSA key on the launch's critical path. In memory only: a pooled key never touches
 * the disk, so no key is at rest that no certificate uses, and nothing needs encrypting; a restart only
 * costs regenerating the pool in the background. Each key is handed out once. When the pool is empty
 * (a burst of certificates) a key is generated on demand, as before.
 */
export class KeyPool {
  private readonly ready: KeyPairPem[] = [];
  private filling: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly size: number,
    private readonly generate: KeySource = freshRsaKeys,
  ) {}

  /** Starts filling in the background: one key at a time, so that a 2-core machine keeps a core free. */
  fill(): void {
    if (this.filling || this.stopped || this.ready.length >= this.size) return;
    this.filling = (async () => {
      try {
        while (!this.stopped && this.ready.length < this.size) this.ready.push(await this.generate());
      } catch {
        // a failed background generation is retried on the next take(); take() itself falls back to generate()
      } finally {
        this.filling = undefined;
      }
    })();
  }

  /** A pooled key if one is ready (the pool then refills), else a fresh one. */
  take: KeySource = async () => {
    const pooled = this.ready.shift();
    this.fill();
    return pooled ?? this.generate();
  };

  get available(): number {
    return this.ready.length;
  }

  /** Waits until the pool is full (or filling stops); for benchmarks and tests that measure a warm pool. */
  async full(): Promise<void> {
    while (this.filling) await this.filling;
  }

  /** Drops the pooled keys and stops refilling. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.ready.length = 0;
    await this.filling;
    this.ready.length = 0;
  }
}
