import type Docker from 'dockerode';
import { copyFilesIn, readContainerFile, type ContainerFile, type FolderOwner } from './archive.ts';
import { createDockerClient, pingEngine } from './client.ts';
import { createComponentContainer, findComponent, type ComponentContainerSpec } from './component-containers.ts';
import {
  createGatewayContainer,
  findManaged,
  inspectContainer,
  removeContainer,
  runGatewayContainer,
  startContainer,
  stopContainer,
  type CreateOptions,
  type GatewayContainerSpec,
} from './containers.ts';
import { discoverLocalEndpoint } from './discovery.ts';
import { execInContainer, type ExecResult } from './exec.ts';
import { readLogs, streamLogs, type LogLine, type LogOptions } from './logs.ts';
import { EngineMonitor, type EngineMonitorOptions } from './monitor.ts';
import { ensureImage, imageExists, pullImage, type EnsuredImage, type PullOptions } from './pull.ts';
import type { ContainerInfo, DiscoveryResult, EngineEndpoint, EngineVersion, PullProgress } from './types.ts';

/**
 * Everything the app needs from Docker, behind one interface, so that the gateway layer can be tested
 * with the real engine and, for failures Docker cannot produce on demand, with a Fake one.
 */
export interface Engine {
  readonly endpoint: EngineEndpoint;
  ping(opts?: { timeoutMs?: number; signal?: AbortSignal }): Promise<EngineVersion>;
  imageExists(image: string): Promise<boolean>;
  pullImage(image: string, opts?: PullOptions): Promise<PullProgress>;
  ensureImage(image: string, opts?: PullOptions): Promise<EnsuredImage>;
  createContainer(spec: GatewayContainerSpec, opts?: CreateOptions): Promise<ContainerInfo>;
  startContainer(id: string, opts?: { removeOnPortConflict?: boolean }): Promise<ContainerInfo>;
  runContainer(spec: GatewayContainerSpec, opts?: CreateOptions): Promise<ContainerInfo>;
  stopContainer(id: string, opts?: { timeoutSeconds?: number }): Promise<ContainerInfo>;
  removeContainer(id: string): Promise<void>;
  inspectContainer(id: string): Promise<ContainerInfo>;
  findManaged(query?: { profile?: string; instanceId?: string }): Promise<ContainerInfo[]>;
  /** A helper container that is not a gateway (the app's etcd), found again with findComponent. */
  createComponentContainer(spec: ComponentContainerSpec): Promise<ContainerInfo>;
  findComponent(component: string, labels?: Record<string, string>): Promise<ContainerInfo[]>;
  streamLogs(id: string, onLine: (line: LogLine) => void, opts?: LogOptions): Promise<void>;
  readLogs(id: string, opts?: { tail?: number }): Promise<LogLine[]>;
  copyFilesIn(id: string, dir: string, files: ContainerFile[], opts?: { folderOwner?: FolderOwner }): Promise<void>;
  readFile(id: string, path: string, opts?: { maxBytes?: number }): Promise<Buffer>;
  exec(id: string, cmd: string[], opts?: { user?: string; signal?: AbortSignal }): Promise<ExecResult>;
  createMonitor(opts?: Omit<EngineMonitorOptions, 'endpoint' | 'docker' | 'reason'>): EngineMonitor;
}

export class DockerEngine implements Engine {
  readonly docker: Docker;

  constructor(
    readonly endpoint: EngineEndpoint,
    /** Why this endpoint was chosen, carried into the monitor's ready state. */
    readonly reason = 'configured',
    docker?: Docker,
  ) {
    this.docker = docker ?? createDockerClient(endpoint);
  }

  ping(opts?: { timeoutMs?: number; signal?: AbortSignal }) {
    return pingEngine(this.docker, this.endpoint, opts);
  }
  imageExists(image: string) {
    return imageExists(this.docker, image);
  }
  pullImage(image: string, opts?: PullOptions) {
    return pullImage(this.docker, image, opts);
  }
  ensureImage(image: string, opts?: PullOptions) {
    return ensureImage(this.docker, image, opts);
  }
  createContainer(spec: GatewayContainerSpec, opts?: CreateOptions) {
    return createGatewayContainer(this.docker, spec, opts);
  }
  startContainer(id: string, opts?: { removeOnPortConflict?: boolean }) {
    return startContainer(this.docker, id, opts);
  }
  runContainer(spec: GatewayContainerSpec, opts?: CreateOptions) {
    return runGatewayContainer(this.docker, spec, opts);
  }
  stopContainer(id: string, opts?: { timeoutSeconds?: number }) {
    return stopContainer(this.docker, id, opts);
  }
  removeContainer(id: string) {
    return removeContainer(this.docker, id);
  }
  inspectContainer(id: string) {
    return inspectContainer(this.docker, id);
  }
  findManaged(query?: { profile?: string; instanceId?: string }) {
    return findManaged(this.docker, query);
  }
  createComponentContainer(spec: ComponentContainerSpec) {
    return createComponentContainer(this.docker, spec);
  }
  findComponent(component: string, labels?: Record<string, string>) {
    return findComponent(this.docker, component, labels);
  }
  streamLogs(id: string, onLine: (line: LogLine) => void, opts?: LogOptions) {
    return streamLogs(this.docker, id, onLine, opts);
  }
  readLogs(id: string, opts?: { tail?: number }) {
    return readLogs(this.docker, id, opts);
  }
  copyFilesIn(id: string, dir: string, files: ContainerFile[], opts?: { folderOwner?: FolderOwner }) {
    return copyFilesIn(this.docker, id, dir, files, opts);
  }
  readFile(id: string, path: string, opts?: { maxBytes?: number }) {
    return readContainerFile(this.docker, id, path, opts);
  }
  exec(id: string, cmd: string[], opts?: { user?: string; signal?: AbortSignal }) {
    return execInContainer(this.docker, id, cmd, opts);
  }
  createMonitor(opts: Omit<EngineMonitorOptions, 'endpoint' | 'docker' | 'reason'> = {}) {
    return new EngineMonitor({ ...opts, endpoint: this.endpoint, reason: this.reason, docker: this.docker });
  }
}

/** Discovers the endpoint on this machine and opens an engine on it (without pinging it yet). */
export function openLocalEngine(
  opts: { explicitHost?: string; explicitLabel?: string; env?: Record<string, string | undefined> } = {},
): { engine: DockerEngine; discovery: DiscoveryResult } {
  const discovery = discoverLocalEndpoint(opts);
  return { engine: new DockerEngine(discovery.endpoint, discovery.reason), discovery };
}
