/**
 * Shared set-up of the background control plane's fault tests (not a test file itself): a fresh home
 * whose control plane has its ports chosen up front, a local profile on free ports with the stand-in
 * image, `gateway-tray` itself as a child process with a shortened lost threshold, and the real
 * dockerd. Its hooks stop the control plane (woken first, should a test have left it stopped) and
 * remove the gateway.
 */
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudClient } from '../../src/core/cloud/client.ts';
import { ProfileStore } from '../../src/core/credentials/profile-store.ts';
import { DockerEngine } from '../../src/core/engine/engine.ts';
import { alive } from '../../src/core/gateway/background-process.ts';
import { readBackgroundRecord } from '../../src/core/gateway/background-record.ts';
import { rememberPorts } from '../../src/core/gateway/control-plane-ports.ts';
import { readInstanceId } from '../../src/core/gateway/instance-lookup.ts';
import { locateLocalControlPlane } from '../../src/core/gateway/local-control-plane.ts';
import { runCliProcess } from '../helpers/cli-process.ts';
import { STANDIN_IMAGE, TEST_DOCKER_SOCKET, ensureStandinImage, freePort, testDocker } from '../helpers/docker.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { freeProfilePorts } from './launch-setup.ts';

export interface FaultsHome {
  readonly home: string;
  readonly engine: DockerEngine;
  cpDir(): string;
  cli(...args: string[]): ReturnType<typeof runCliProcess>;
  /** The live control plane of the home, with a client of its management API. */
  located(): Promise<Extract<Awaited<ReturnType<typeof locateLocalControlPlane>>, { info: unknown }> & { client: CloudClient }>;
  instanceId(): string;
  containers(): ReturnType<DockerEngine['findManaged']>;
  /** Waits for a heartbeat that reached the live control plane after `since`. */
  heartbeatAfter(since: number, what: string): Promise<void>;
}

/**
 * Registers the file's `before` and `after`; the home exists once `before` has run. `then` is the file's
 * own set-up, run at the end of that `before`: node 20 does not wait for one top-level `before` to end
 * before it starts the next.
 */
export function faultsHome(prefix: string, lostAfterMs: number, then?: (f: FaultsHome) => Promise<void>): FaultsHome {
  let home = '';
  let env: NodeJS.ProcessEnv = {};
  const engine = new DockerEngine({ protocol: 'unix', url: `unix://${TEST_DOCKER_SOCKET}`, socketPath: TEST_DOCKER_SOCKET }, 'test');
  const cli = (...args: string[]) => runCliProcess(env, ...args);
  const instanceId = (): string => {
    const id = readInstanceId(home, 'local');
    assert.ok(id);
    return id;
  };
  const located = async () => {
    const found = await locateLocalControlPlane(home);
    assert.ok('info' in found, 'a control plane answers');
    return { ...found, client: new CloudClient({ baseUrl: found.info.apiUrl, token: found.token }) };
  };

  before(async () => {
    await ensureStandinImage(await testDocker());
    home = await mkdtemp(join(tmpdir(), prefix));
    mkdirSync(join(home, 'control-plane'), { recursive: true, mode: 0o700 });
    rememberPorts(join(home, 'control-plane'), { apiPort: await freePort(), dpPort: await freePort() });
    new ProfileStore({ home }).update('local', { image: STANDIN_IMAGE, ports: await freeProfilePorts() });
    env = {
      ...process.env,
      GATEWAY_TRAY_HOME: home,
      DOCKER_HOST: `unix://${TEST_DOCKER_SOCKET}`,
      PATH: `/usr/bin:/bin:${process.env.PATH ?? ''}`,
      GATEWAY_TRAY_LOST_AFTER: `${lostAfterMs / 1000}s`,
    };
    await then?.(faults);
  });

  after(async () => {
    const bg = readBackgroundRecord(home);
    if (bg && alive(bg.pid)) process.kill(bg.pid, 'SIGCONT');
    await cli('control-plane', 'stop');
    const id = readInstanceId(home, 'local');
    if (id) for (const c of await engine.findManaged({ profile: 'local', instanceId: id }).catch(() => [])) await (await testDocker()).getContainer(c.id).remove({ force: true }).catch(() => undefined);
    await rm(home, { recursive: true, force: true });
  });

  const faults: FaultsHome = {
    get home() {
      return home;
    },
    engine,
    cpDir: () => join(home, 'control-plane'),
    cli,
    located,
    instanceId,
    containers: () => engine.findManaged({ profile: 'local', instanceId: instanceId() }),
    heartbeatAfter: async (since, what) => {
      await waitFor(
        async () => {
          const { client, info } = await located();
          return Date.parse((await client.instance(info.clusterId, instanceId())).last_seen_time) > since;
        },
        { timeoutMs: 45_000, intervalMs: 500, what },
      );
    },
  };
  return faults;
}
