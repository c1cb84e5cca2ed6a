/** The engine layer's public API: everything the app needs from Docker. */
export type * from './types.ts';
export { OTHER_EVENT_TYPES } from './types.ts';
export { discoverEndpoint, discoverLocalEndpoint, platformCandidates, realFileProbe, type DiscoveryInput } from './discovery.ts';
export { currentContext, dockerConfigDir, readContextEndpoint, type FileProbe } from './docker-context.ts';
export { parseHostUrl } from './host-url.ts';
export { createDockerClient, pingEngine, endpointUrlOf, DEFAULT_PING_TIMEOUT_MS } from './client.ts';
export { EngineMonitor, type EngineMonitorOptions } from './monitor.ts';
export { Backoff, type BackoffOptions } from './backoff.ts';
export { parseDockerEvent } from './events.ts';
export { initialPullState, reducePullEvent, pullProgressOf, type PullEvent, type PullState } from './pull-progress.ts';
export { createThrottle, type Throttle, type ThrottleClock } from './throttle.ts';
export { pullImage, ensureImage, imageExists, classifyPullError, registryOf, type PullOptions } from './pull.ts';
export {
  createGatewayContainer,
  startContainer,
  runGatewayContainer,
  stopContainer,
  removeContainer,
  inspectContainer,
  findManaged,
  gatewayContainerSpecSchema,
  type GatewayContainerSpec,
  type CreateOptions,
} from './containers.ts';
export { LABEL_MANAGED, LABEL_INSTANCE_ID, LABEL_PROFILE, LABEL_COMPONENT, managedLabels } from './labels.ts';
export { createComponentContainer, findComponent, componentContainerSpecSchema, componentCreateRequestOf, type ComponentContainerSpec } from './component-containers.ts';
export { streamLogs, readLogs, type LogLine, type LogOptions, type LogStream } from './logs.ts';
export { copyFilesIn, readContainerFile, type ContainerFile, type FolderOwner } from './archive.ts';
export { execInContainer, type ExecResult } from './exec.ts';
export { assertPortsFree, portConflictFrom } from './port-check.ts';
export {
  EngineError,
  EngineUnavailableError,
  EngineConfigError,
  PortInUseError,
  ImageNotFoundError,
  RegistryUnreachableError,
  ContainerNotFoundError,
  ContainerFileNotFoundError,
  OperationAbortedError,
} from './errors.ts';
export { DockerEngine, openLocalEngine, type Engine } from './engine.ts';
