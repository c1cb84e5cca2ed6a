import type { ContainerInfo } from '../engine/types.ts';
import { checkPortAvailability, type PortReport, type PortRole } from './port-availability.ts';
import { publishedGatewayPorts, type GatewayPortMap } from './published-ports.ts';

/** The part of the engine this needs: listing, reading, stopping and removing our gateway containers. */
export interface GatewayContainers {
  findManaged(query?: { profile?: string }): Promise<ContainerInfo[]>;
  inspectContainer(id: string): Promise<ContainerInfo>;
  stopContainer(id: string, opts?: { timeoutSeconds?: number }): Promise<ContainerInfo>;
  removeContainer(id: string): Promise<void>;
}

/** A profile still has a running gateway; removing it would orphan the container and its ports. */
export class ProfileGatewayRunningError extends Error {
  override name = 'ProfileGatewayRunningError';
  readonly code = 'gateway-running';
  constructor(
    readonly profile: string,
    readonly containerName: string,
  ) {
    super(`Profile "${profile}" has a running gateway (${containerName}); stop it first, or remove the profile together with its gateway.`);
  }
}

/** What the app knows about gateways across profiles: published ports, port checks, and removal. */
export class ProfileGateways {
  // Published ports never change for a container, so one inspect per container id is enough.
  readonly #published = new Map<string, Partial<GatewayPortMap>>();

  constructor(private readonly engine: () => Promise<GatewayContainers>) {}

  async publishedPorts(containerId: string): Promise<Partial<GatewayPortMap> | undefined> {
    const known = this.#published.get(containerId);
    if (known) return known;
    try {
      const info = await (await this.engine()).inspectContainer(containerId);
      if (!info.running) return undefined;
      const ports = publishedGatewayPorts(info);
      this.#published.set(containerId, ports);
      return ports;
    } catch {
      return undefined; // gone between the status and this read: the saved ports are all there is
    }
  }

  async checkPorts(profile: string, ports: Record<PortRole, number>): Promise<Record<PortRole, PortReport>> {
    const running = await (await this.engine()).findManaged().catch(() => [] as ContainerInfo[]);
    return checkPortAvailability(profile, ports, running);
  }

  /**
   * Before a profile is removed: refuses while its gateway runs, unless `stop` says to stop and remove
   * its containers first. Returns how many containers were removed.
   */
  async clearForRemoval(profile: string, stop: boolean): Promise<number> {
    const engine = await this.engine();
    const containers = await engine.findManaged({ profile });
    const running = containers.find((c) => c.running);
    if (running && !stop) throw new ProfileGatewayRunningError(profile, running.name);
    for (const c of containers) {
      if (c.running) await engine.stopContainer(c.id, { timeoutSeconds: 10 });
      await engine.removeContainer(c.id);
      this.#published.delete(c.id);
    }
    return containers.length;
  }
}
