/**
 * Shared set-up of the launch, status and CLI integration tests (not a test file itself): a real etcd,
 * the real control plane in-process with its data-plane endpoint on loopback and the Docker bridge, a
 * fresh GATEWAY_TRAY_HOME with a local profile on free ports and the stand-in image, and the real engine.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import type { ControlPlaneOptions } from '../../src/control-plane/index.ts';
import { ProfileStore } from '../../src/core/credentials/profile-store.ts';
import type { Profile } from '../../src/core/credentials/profile-schema.ts';
import { DockerEngine } from '../../src/core/engine/engine.ts';
import { bridgeGatewayAddress } from '../../src/core/gateway/bridge-gateway.ts';
import type { GatewayContext } from '../../src/core/gateway/types.ts';
import { startHarness, type Harness } from '../helpers/control-plane.ts';
import { STANDIN_IMAGE, TEST_DOCKER_SOCKET, TEST_LABEL, ensureStandinImage, freePort, removeContainersByLabel, testDocker, testRunId } from '../helpers/docker.ts';

export const ENDPOINT = { protocol: 'unix' as const, url: `unix://${TEST_DOCKER_SOCKET}`, socketPath: TEST_DOCKER_SOCKET };

export interface LaunchWorld {
  docker: Docker;
  engine: DockerEngine;
  h: Harness;
  home: string;
  run: string;
  bridge: string;
  apiPort: number;
  dpPort: number;
  profile: Profile;
  store: ProfileStore;
  ctx(more?: Partial<GatewayContext>): GatewayContext;
  /** Restarts the control plane on the same ports, data folder and etcd. */
  restartControlPlane(more?: Partial<ControlPlaneOptions>): Promise<void>;
  cleanup(): Promise<void>;
}

/** Four distinct free host ports for a profile (never the defaults 9080/9443/9090/9091). */
export async function freeProfilePorts(): Promise<{ proxyHttp: number; proxyHttps: number; control: number; prometheus: number }> {
  const ports = new Set<number>();
  while (ports.size < 4) ports.add(await freePort());
  const [proxyHttp, proxyHttps, control, prometheus] = [...ports] as [number, number, number, number];
  return { proxyHttp, proxyHttps, control, prometheus };
}

export async function startLaunchWorld(prefix: string, cpOptions: Partial<ControlPlaneOptions> = {}): Promise<LaunchWorld> {
  const docker = await testDocker();
  await ensureStandinImage(docker);
  const bridge = await bridgeGatewayAddress(docker);
  const [apiPort, dpPort] = [await freePort(), await freePort()];
  const listen = { apiListen: { host: '127.0.0.1', port: apiPort }, dpListen: [{ host: '127.0.0.1', port: dpPort }, { host: bridge, port: dpPort }] };
  const h = await startHarness({ ...listen, ...cpOptions });
  const home = await mkdtemp(join(tmpdir(), 'gt-home-'));
  const run = testRunId(prefix);
  const store = new ProfileStore({ home });
  const profile = store.update('local', { image: STANDIN_IMAGE, ports: await freeProfilePorts() });
  const engine = new DockerEngine(ENDPOINT, 'test');
  const world: LaunchWorld = {
    docker,
    engine,
    h,
    home,
    run,
    bridge,
    apiPort,
    dpPort,
    profile,
    store,
    ctx: (more = {}) => ({ profile, engine, client: h.client, home, labels: { [TEST_LABEL]: run }, ...more }),
    restartControlPlane: (more = {}) => h.restart({ ...listen, ...more }),
    async cleanup() {
      await removeContainersByLabel(docker, TEST_LABEL, run).catch(() => undefined);
      await h.cleanup();
      await rm(home, { recursive: true, force: true });
    },
  };
  return world;
}
