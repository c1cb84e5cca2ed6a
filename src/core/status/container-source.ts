import type { Engine } from '../engine/engine.ts';
import type { ContainerInfo } from '../engine/types.ts';
import type { ContainerFacts } from './status-inputs.ts';

/** The instance's container: a running one first, else the newest leftover; null when there is none. */
export async function findInstanceContainer(engine: Engine, profile: string, instanceId: string): Promise<ContainerInfo | null> {
  const found = await engine.findManaged({ profile, instanceId });
  return found.find((c) => c.running) ?? found[0] ?? null;
}

/**
 * Tracks when a container was seen to start, because the engine's ContainerInfo has no StartedAt: the
 * register grace period counts from the first time this watcher saw it running.
 */
export class ContainerFactsTracker {
  #startedAt = new Map<string, number>();

  facts(info: ContainerInfo | null, now: number): ContainerFacts | null {
    if (!info) return null;
    if (info.running) {
      if (!this.#startedAt.has(info.id)) this.#startedAt.set(info.id, now);
    } else {
      this.#startedAt.delete(info.id);
    }
    const startedAt = this.#startedAt.get(info.id);
    return {
      id: info.id,
      state: info.status,
      ...(info.exitCode !== undefined ? { exitCode: info.exitCode } : {}),
      ...(startedAt !== undefined ? { startedAt } : {}),
    };
  }

  /** A start event was seen: the grace period restarts now. */
  started(id: string, at: number): void {
    this.#startedAt.set(id, at);
  }
}
