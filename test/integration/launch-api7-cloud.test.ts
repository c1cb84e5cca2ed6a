/**
 * Launches against an API7-shaped cloud (test/helpers/api7-shaped-cloud.ts: our real control plane on a
 * real etcd, serving API7 Cloud's template shape and a module tarball without a token), with the stand-in
 * image and the real dockerd:
 * - module open-agent: the template is adapted to our agent and the 3.x layout, and the gateway registers Healthy;
 * - module api7 pointed at a local URL: our own test module (test/fixtures/api7-test-module, not API7's
 *   code) is downloaded with progress and without a token, cached by sha256, mounted as cloud-cli mounts
 *   it, and the stand-in loads its hook and runs its apisix/cli/etcd override;
 * - a second launch does not download; a failed download falls back to the cache and says so; offline
 *   with nothing cached is the clear error.
 *
 * The test module does not heartbeat, so those launches are cancelled once the container runs.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Profile } from '../../src/core/credentials/profile-schema.ts';
import { launchGateway } from '../../src/core/gateway/launch.ts';
import { instancePaths } from '../../src/core/gateway/paths.ts';
import { stopGateway } from '../../src/core/gateway/stop.ts';
import type { LaunchProgress, LaunchResult } from '../../src/core/gateway/types.ts';
import { containerFacts, findInstanceContainer } from '../../src/core/status/container-source.ts';
import { readInstanceId } from '../../src/core/gateway/instance-lookup.ts';
import { startApi7ShapedCloud, type Api7ShapedCloud } from '../helpers/api7-shaped-cloud.ts';
import { freePort, STANDIN_IMAGE } from '../helpers/docker.ts';
import { moduleTarball } from '../helpers/module-tarball.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { freeProfilePorts, startLaunchWorld, type LaunchWorld } from './launch-setup.ts';

let w: LaunchWorld;
let cloud: Api7ShapedCloud;
let tarball: Buffer;

before(async () => {
  w = await startLaunchWorld('api7');
  cloud = await startApi7ShapedCloud(w.h);
  tarball = await moduleTarball();
});
after(async () => {
  await cloud?.stop();
  await w?.cleanup();
});

async function cloudProfile(name: string, module: string): Promise<Profile> {
  return w.store.add({ name, kind: 'cloud', apiUrl: cloud.apiUrl, image: STANDIN_IMAGE, ports: await freeProfilePorts(), module });
}

interface Running {
  progress: LaunchProgress[];
  notices: string[];
  containerId: string;
  logs(): Promise<string>;
  /** Cancels the launch (its rollback removes the container) and waits for it to end. */
  cancel(): Promise<void>;
}

/** Launches API7's (test) module and stops at the registration stage, which it never passes: it does not heartbeat. */
async function launchUntilRunning(profile: Profile, env: NodeJS.ProcessEnv): Promise<Running> {
  const progress: LaunchProgress[] = [];
  const notices: string[] = [];
  const abort = new AbortController();
  const launched = launchGateway({ ...w.ctx(), profile, client: cloud.client, env, log: (l) => notices.push(l) }, { signal: abort.signal, registerTimeoutMs: 120_000, onProgress: (p) => progress.push(p) });
  const failed = launched.then(
    () => undefined,
    (err: unknown) => err,
  );
  await waitFor(async () => progress.some((p) => p.stage === 'register' && p.status === 'start') || (await Promise.race([failed, Promise.resolve('pending')])) !== 'pending', {
    what: 'the launch to start the container',
    timeoutMs: 90_000,
  });
  const early = await Promise.race([failed, Promise.resolve('pending')]);
  if (early !== 'pending') throw early;
  const instanceId = readInstanceId(w.home, profile.name)!;
  const container = await findInstanceContainer(w.engine, profile.name, instanceId);
  assert.ok(container, 'the container exists while registering');
  const logs = async (): Promise<string> => (await w.engine.readLogs(container.id, { tail: 500 })).map((l) => l.line).join('\n');
  return {
    progress,
    notices,
    containerId: container.id,
    logs,
    async cancel() {
      abort.abort();
      const err = await failed;
      assert.match(String(err), /cancelled/);
    },
  };
}

test('module open-agent: the API7-shaped template is adapted for our agent, and the stand-in registers Healthy', async () => {
  const profile = await cloudProfile('api7-agent', 'open-agent');
  const progress: LaunchProgress[] = [];
  const result: LaunchResult = await launchGateway({ ...w.ctx(), profile, client: cloud.client, env: {} }, { registerTimeoutMs: 90_000, onProgress: (p) => progress.push(p) });
  assert.equal(result.module, 'open-agent');
  assert.ok(cloud.templatesServed() >= 1, 'the launch read the API7-shaped template');
  const moduleDone = progress.find((p) => p.stage === 'module' && p.status === 'done');
  assert.match(moduleDone?.message ?? '', /Gateway Tray's open agent .*the template was adapted: lua_module_hook cloud → gateway_tray_agent\.hook.*top-level etcd → deployment\.etcd/);

  const config = parse(readFileSync(instancePaths(w.home, profile.name, 'default').configFile, 'utf8')) as {
    apisix: { lua_module_hook: string; extra_lua_path: string };
    nginx_config: { http: { custom_lua_shared_dict: Record<string, string> } };
    etcd?: unknown;
    deployment: { role: string; etcd: { host: string[] } };
  };
  assert.equal(config.apisix.lua_module_hook, 'gateway_tray_agent.hook');
  assert.equal(config.apisix.extra_lua_path, '/cloud_lua_module/?.lua');
  assert.deepEqual(config.nginx_config.http.custom_lua_shared_dict, { 'gateway-tray-agent': '1m' });
  assert.equal(config.etcd, undefined);
  assert.equal(config.deployment.role, 'data_plane');
  assert.deepEqual(config.deployment.etcd.host, [`https://host.docker.internal:${w.dpPort}`]);

  const info = await w.docker.getContainer(result.containerId).inspect();
  assert.equal(info.Config.Labels['io.gateway-tray.module'], 'open-agent');
  assert.equal(containerFacts(await findInstanceContainer(w.engine, profile.name, result.instanceId))?.module, 'open-agent', 'status reads the module back');
  const instance = await waitFor(async () => {
    const i = await w.h.client.instance(result.clusterId, result.instanceId);
    return i.status === 'Healthy' ? i : undefined;
  }, { what: 'the control plane to call the gateway Healthy', timeoutMs: 60_000, intervalMs: 500 });
  assert.equal(instance.id, result.instanceId);

  const stopped = await stopGateway(w.engine, { home: w.home, profile: profile.name }, { remove: true });
  assert.equal(stopped.removed.length, 1);
});

test("module api7 from a local URL: our test module is downloaded with progress and no token, cached by sha256, mounted as cloud-cli does, and loaded", async () => {
  cloud.setModule(tarball);
  const profile = await cloudProfile('api7-module', 'api7');
  const run = await launchUntilRunning(profile, { API7_CLOUD_LUA_MODULE_URL: cloud.moduleUrl });
  try {
    // Downloaded once, without a token, with progress up to the whole tarball.
    assert.deepEqual(cloud.moduleRequests.map((r) => r.status), [200]);
    assert.equal(cloud.moduleRequests[0]!.headers.authorization, undefined, 'no Authorization header, as cloud-cli');
    const downloads = run.progress.filter((p) => p.stage === 'module' && p.download);
    assert.ok(downloads.length >= 2, 'progress while the module arrives');
    assert.deepEqual(downloads.at(-1)!.download, { currentBytes: tarball.length, totalBytes: tarball.length, percent: 100 });

    const sha = createHash('sha256').update(tarball).digest('hex');
    const moduleDir = join(w.home, 'modules', sha, 'cloud_lua_module_beta');
    const info = await w.docker.getContainer(run.containerId).inspect();
    assert.equal(info.Config.Labels['io.gateway-tray.module'], 'api7');
    for (const bind of [
      `${moduleDir}:/cloud_lua_module:ro`,
      `${moduleDir}/apisix/cli/etcd.ljbc:/usr/local/apisix/apisix/cli/etcd.lua:ro`,
      `${moduleDir}/apisix/cli/local_storage.ljbc:/usr/local/apisix/apisix/cli/local_storage.lua:ro`,
    ]) {
      assert.ok(info.HostConfig.Binds?.includes(bind), `${bind} in ${JSON.stringify(info.HostConfig.Binds)}`);
    }
    // The template is left as API7 Cloud wrote it: hook cloud, .ljbc path, 2.15 layout.
    const config = parse(readFileSync(instancePaths(w.home, profile.name, 'default').configFile, 'utf8')) as { apisix: { lua_module_hook: string; extra_lua_path: string }; etcd?: unknown; deployment?: unknown };
    assert.equal(config.apisix.lua_module_hook, 'cloud');
    assert.equal(config.apisix.extra_lua_path, '/cloud_lua_module/?.ljbc;');
    assert.ok(config.etcd);
    assert.equal(config.deployment, undefined);

    // The stand-in ran the override of apisix/cli/etcd.lua and loaded the hook.
    const logs = await waitFor(async () => {
      const text = await run.logs();
      return text.includes('gateway-tray test module: loaded') && text.includes('gateway-tray test module: cli etcd override ran') ? text : undefined;
    }, { what: "the test module's two log lines", timeoutMs: 30_000, intervalMs: 250 });
    assert.ok(logs);
  } finally {
    await run.cancel();
  }
});

test('a second launch does not download; a failed download uses the cached copy and says so', async () => {
  const profile = w.store.get('api7-module');
  const env = { API7_CLOUD_LUA_MODULE_URL: cloud.moduleUrl };
  const second = await launchUntilRunning(profile, env);
  await second.cancel();
  assert.deepEqual(cloud.moduleRequests.map((r) => r.status), [200, 304], 'revalidated, not downloaded');
  assert.ok(!second.progress.some((p) => p.download), 'no download progress');
  assert.ok(second.progress.some((p) => p.stage === 'module' && /is unchanged; using the cached copy/.test(p.message)));

  cloud.setModule(undefined);
  const third = await launchUntilRunning(profile, env);
  await third.cancel();
  assert.equal(cloud.moduleRequests.at(-1)?.status, 404);
  assert.ok(third.notices.some((n) => /Could not download API7's Cloud Lua Module from .*\(HTTP 404 Not Found\); using the cached copy from/.test(n)), third.notices.join('\n'));
  cloud.setModule(tarball);
});

test("cloud-cli's way to our agent: the control plane's own module tarball, mounted as cloud-cli mounts a module, registers Healthy", async () => {
  // What `API7_CLOUD_LUA_MODULE_URL=<control plane>/api/v1/cloud_lua_module.tar.gz cloud-cli deploy docker`
  // does: download without a token, take the first folder, mount it and its apisix/cli overrides.
  const url = `${w.h.cp.apiUrl}/api/v1/cloud_lua_module.tar.gz`;
  const profile = await w.store.add({ name: 'cloud-cli-way', kind: 'local', image: STANDIN_IMAGE, ports: await freeProfilePorts(), module: url });
  const result = await launchGateway({ ...w.ctx(), profile, env: {} }, { registerTimeoutMs: 90_000 });
  try {
    const info = await w.docker.getContainer(result.containerId).inspect();
    const etcdOverride = info.HostConfig.Binds?.find((b) => b.endsWith(':/usr/local/apisix/apisix/cli/etcd.lua:ro'));
    assert.ok(etcdOverride?.includes('/cloud_lua_module/apisix/cli/etcd.ljbc'), JSON.stringify(info.HostConfig.Binds));
    const logs = (await w.engine.readLogs(result.containerId, { tail: 500 })).map((l) => l.line).join('\n');
    // Our init_etcd override ran (APISIX's own file is hidden by the mount) and found the control plane.
    assert.match(logs, /access from the data plane to etcd should be read-only/);
    const instance = await waitFor(async () => {
      const i = await w.h.client.instance(result.clusterId, result.instanceId);
      return i.status === 'Healthy' ? i : undefined;
    }, { what: 'the control plane to call the gateway Healthy', timeoutMs: 60_000, intervalMs: 500 });
    assert.match(instance.version, /^APISIX\//);
  } finally {
    await stopGateway(w.engine, { home: w.home, profile: profile.name }, { remove: true });
  }
});

test('offline with nothing cached: the launch stops at the module stage with the clear error, and leaves no container', async () => {
  const url = `http://127.0.0.1:${await freePort()}/cloud_module_beta.tar.gz`;
  const profile = await cloudProfile('api7-offline', url);
  const progress: LaunchProgress[] = [];
  await assert.rejects(launchGateway({ ...w.ctx(), profile, client: cloud.client, env: {} }, { onProgress: (p) => progress.push(p) }), (e: unknown) => {
    assert.equal((e as { stage?: string }).stage, 'module');
    assert.match(String((e as Error).message), new RegExp(`^cannot download API7's Cloud Lua Module from ${url.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: ECONNREFUSED[^;]*; check the network or set API7_CLOUD_LUA_MODULE_URL / the profile's module URL\\.$`));
    return true;
  });
  assert.ok(progress.some((p) => p.stage === 'module' && p.status === 'start'));
  assert.deepEqual(await w.engine.findManaged({ profile: profile.name }), []);
});
