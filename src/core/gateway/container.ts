import type { TlsBundle } from '../credentials/tls-bundle.ts';
import type { GatewayContainerSpec } from '../engine/containers.ts';
import type { Engine } from '../engine/engine.ts';
import type { ContainerInfo } from '../engine/types.ts';
import { GatewayError, messageOf } from './errors.ts';
import { gatewayUserOf, logTail } from './gateway-user.ts';
import { CONTAINER_PATHS } from './paths.ts';
import type { Rollback } from './rollback.ts';

/**
 * Puts the TLS bundle into a container with the archive API, owned by the gateway's user, key 0600 and
 * folder 0700: readable by that user only, and never readable on the host by anyone but the desktop user.
 */
export async function putTlsBundle(engine: Engine, containerId: string, bundle: TlsBundle, image?: string): Promise<void> {
  const user = await gatewayUserOf(engine, containerId, image);
  const own = { uid: user.uid, gid: user.gid };
  await engine.copyFilesIn(
    containerId,
    CONTAINER_PATHS.tls,
    [
      { name: 'ca.crt', content: bundle.caCertificate, mode: 0o644, ...own },
      { name: 'tls.crt', content: bundle.certificate, mode: 0o644, ...own },
      { name: 'tls.key', content: bundle.privateKey, mode: 0o600, ...own },
    ],
    { folderOwner: { ...own, mode: 0o700 } },
  );
}

/** Creates the container, puts the bundle in, starts it. The container is removed again if the launch fails. */
export async function createAndStart(engine: Engine, spec: GatewayContainerSpec, bundle: TlsBundle, rollback: Rollback, image?: string): Promise<ContainerInfo> {
  let created: ContainerInfo;
  try {
    created = await engine.createContainer(spec);
  } catch (err) {
    throw new GatewayError('container', `Could not create the gateway container: ${messageOf(err)}`, { cause: err });
  }
  rollback.add(`container ${created.name}`, () => engine.removeContainer(created.id));
  try {
    await putTlsBundle(engine, created.id, bundle, image);
  } catch (err) {
    throw new GatewayError('container', `Could not put the TLS bundle into the gateway container: ${messageOf(err)}`, { cause: err });
  }
  return startExplained(engine, created.id);
}

/**
 * Starts a stopped container of this instance that is what a new one would be (start-again.ts). Should it
 * fail to come up, it goes, as a new one would: the next launch makes a fresh one.
 */
export async function startAgain(engine: Engine, stopped: ContainerInfo, rollback: Rollback): Promise<ContainerInfo> {
  rollback.add(`container ${stopped.name}`, () => engine.removeContainer(stopped.id));
  return startExplained(engine, stopped.id);
}

async function startExplained(engine: Engine, id: string): Promise<ContainerInfo> {
  try {
    return await engine.startContainer(id);
  } catch (err) {
    throw new GatewayError('container', `The gateway container did not start: ${messageOf(err)}`, { cause: err, logTail: await logTail(engine, id) });
  }
}
