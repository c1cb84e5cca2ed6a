import type { ComponentId, ComponentSnapshot } from './component-snapshot.ts';
import { ComponentSupervisor, type SupervisedComponent, type SupervisorOptions } from './component-supervisor.ts';

/**
 * One supervisor per home: the components the local control plane runs on, each with its own state
 * machine, behind one snapshot and one restart request.
 */
export class HomeSupervisor {
  readonly #each = new Map<ComponentId, ComponentSupervisor>();

  constructor(components: SupervisedComponent[], opts: SupervisorOptions = {}) {
    for (const c of components) this.#each.set(c.id, new ComponentSupervisor(c, opts));
  }

  start(): void {
    for (const s of this.#each.values()) s.start();
  }

  components(): ComponentSnapshot[] {
    return [...this.#each.values()].map((s) => s.snapshot());
  }

  /** Checks every component now (the window asks, or the status saw the config centre go down). */
  async checkNow(): Promise<ComponentSnapshot[]> {
    return Promise.all([...this.#each.values()].map((s) => s.checkNow()));
  }

  async restart(id: ComponentId): Promise<ComponentSnapshot> {
    const s = this.#each.get(id);
    if (!s) throw new Error(`${id} is not supervised here (no local control plane runs in this app for this home)`);
    return s.restart('restart requested');
  }

  async stop(): Promise<void> {
    await Promise.all([...this.#each.values()].map((s) => s.stop()));
  }
}
