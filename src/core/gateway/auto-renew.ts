import type { GatewayStatus } from '../status/gateway-status.ts';
import { messageOf } from './errors.ts';

export interface AutoRenewOptions {
  /** The profile's options.autoRenewCert. */
  enabled: () => boolean;
  /** Renews and restarts the gateway (renewCertificate bound to the current context). */
  renew: () => Promise<void>;
  /** After a renewal (or a failed one), re-check the status at once. */
  afterRenew?: () => void;
  /** Wait at least this long between attempts after a failure (default 5 min; a sleeping laptop retries on wake). */
  retryAfterMs?: number;
  now?: () => number;
  log?: (line: string) => void;
}

const DUE = new Set(['cert-expiring', 'cert-expired']);

/**
 * Renews the certificate when the status says it is due (under a third of its life left, or expired)
 * and the profile allows it: one attempt at a time, and after a failure not again before `retryAfterMs`.
 * Feed it every status the watcher emits. It never throws.
 */
export class AutoRenewer {
  #running = false;
  #lastFailureAt: number | undefined;
  #lastError: string | undefined;

  constructor(private readonly o: AutoRenewOptions) {}

  get lastError(): string | undefined {
    return this.#lastError;
  }

  /** True when this status would start a renewal now. */
  due(status: GatewayStatus): boolean {
    if (this.#running || !this.o.enabled()) return false;
    if (!status.reasons.some((r) => DUE.has(r.code))) return false;
    if (status.containerId === undefined) return false;
    const now = this.o.now?.() ?? Date.now();
    return this.#lastFailureAt === undefined || now - this.#lastFailureAt >= (this.o.retryAfterMs ?? 300_000);
  }

  /** Resolves when a renewal this status started has finished (at once when none started). */
  async onStatus(status: GatewayStatus): Promise<void> {
    if (!this.due(status)) return;
    this.#running = true;
    try {
      await this.o.renew();
      this.#lastFailureAt = undefined;
      this.#lastError = undefined;
      this.o.log?.('The gateway certificate was renewed and the gateway restarted.');
    } catch (err) {
      this.#lastFailureAt = this.o.now?.() ?? Date.now();
      this.#lastError = messageOf(err);
      this.o.log?.(`Renewing the gateway certificate failed; trying again later: ${this.#lastError}`);
    } finally {
      this.#running = false;
      try {
        this.o.afterRenew?.();
      } catch {
        // a listener's problem is not the renewer's
      }
    }
  }
}
