import { createHash } from 'node:crypto';
import type { GatewayContainerSpec } from '../engine/containers.ts';
import type { PortBinding } from '../engine/types.ts';
import type { ModuleMount } from '../module/choose-module.ts';
import type { ModuleKind } from '../module/module-setting.ts';
import type { TlsBundlePems } from '../credentials/tls-bundle.ts';
import { CONTAINER_PATHS, LABEL_INSTANCE_NAME, LABEL_MODULE, LABEL_TLS_BUNDLE, type InstancePaths } from './paths.ts';
import type { GatewayPorts } from './types.ts';

/**
 * Host port bindings: the proxy (9080, 9443) on `proxyBindAddress` (loopback unless the user asks), the
 * Control API (9090) and Prometheus (9091) on 127.0.0.1 only (PROTOCOL §4).
 */
export function portBindings(ports: GatewayPorts, proxyBindAddress = '127.0.0.1'): PortBinding[] {
  return [
    { containerPort: 9080, hostPort: ports.http, hostIp: proxyBindAddress },
    { containerPort: 9443, hostPort: ports.https, hostIp: proxyBindAddress },
    { containerPort: 9090, hostPort: ports.control, hostIp: '127.0.0.1' },
    { containerPort: 9091, hostPort: ports.prometheus, hostIp: '127.0.0.1' },
  ];
}

export interface SpecInput {
  image: string;
  profile: string;
  instanceName: string;
  instanceId: string;
  containerName: string;
  paths: InstancePaths;
  /** The module's read-only mounts, from moduleMounts(). */
  moduleMounts: ModuleMount[];
  module: ModuleKind;
  bindings: PortBinding[];
  /** The bundle that goes in by archive: its digest is a label, so a container with another bundle is told apart. */
  bundle: Pick<TlsBundlePems, 'certificate' | 'caCertificate'>;
  labels?: Record<string, string>;
}

/** A digest of the bundle's certificates (not of its key, which a new certificate always comes with). */
export function bundleDigest(bundle: Pick<TlsBundlePems, 'certificate' | 'caCertificate'>): string {
  return createHash('sha256').update(bundle.certificate).update('\0').update(bundle.caCertificate).digest('hex');
}

/**
 * The container of PROTOCOL §4: config, id and the module mounted read-only (for API7's module also
 * cloud-cli's two CLI overrides); the TLS bundle goes in by archive. The module is a label, for status.
 */
export function gatewayContainerSpec(input: SpecInput): GatewayContainerSpec {
  return {
    image: input.image,
    instanceId: input.instanceId,
    profile: input.profile,
    name: input.containerName,
    binds: [
      { hostPath: input.paths.configFile, containerPath: CONTAINER_PATHS.config, readOnly: true },
      { hostPath: input.paths.uidFile, containerPath: CONTAINER_PATHS.uid, readOnly: true },
      ...input.moduleMounts,
    ],
    ports: input.bindings,
    labels: { ...input.labels, [LABEL_INSTANCE_NAME]: input.instanceName, [LABEL_MODULE]: input.module, [LABEL_TLS_BUNDLE]: bundleDigest(input.bundle) },
  };
}
