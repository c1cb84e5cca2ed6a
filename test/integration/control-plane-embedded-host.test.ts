import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { CloudClient } from '../../src/core/cloud/client.ts';
import { hostLocalControlPlane } from '../../src/core/app/local-control-plane-host.ts';
import { DockerEngine } from '../../src/core/engine/engine.ts';
import { alive } from '../../src/core/gateway/background-process.ts';
import { readRememberedPorts, rememberPorts } from '../../src/core/gateway/control-plane-ports.ts';
import { freePort } from '../helpers/etcd.ts';
import { readEtcdRecord } from '../../src/core/gateway/etcd-record.ts';
import { locateLocalControlPlane } from '../../src/core/gateway/local-control-plane.ts';
import { TEST_DOCKER_SOCKET } from '../helpers/docker.ts';
import { CLI_COMMAND } from '../helpers/cli-process.ts';

const engine = new DockerEngine({ protocol: 'unix', url: `unix://${TEST_DOCKER_SOCKET}`, socketPath: TEST_DOCKER_SOCKET }, 'test');
let home: string;
const etcdPids: number[] = [];
after(async () => {
  for (const pid of etcdPids) if (alive(pid)) process.kill(pid, 'SIGKILL');
  if (home) await rm(home, { recursive: true, force: true });
});

test('the desktop app (and ui --web) stop the etcd they started when the host stops, and say so; the ports stay', { timeout: 120_000 }, async () => {
  home = await mkdtemp(join(tmpdir(), 'gt-host-'));
  // Ports of this home chosen up front: 7080 and 7443 are anyone's on a shared machine.
  mkdirSync(join(home, 'control-plane'), { recursive: true, mode: 0o700 });
  rememberPorts(join(home, 'control-plane'), { apiPort: await freePort(), dpPort: await freePort() });
  const env = { ...process.env, GATEWAY_TRAY_HOME: home, PATH: '/usr/bin:/bin', GATEWAY_TRAY_CLIENT_CERT_LIFETIME: '3m' };
  const logs: string[] = [];
  const hosted = await hostLocalControlPlane({ home, env, engine, log: (l) => logs.push(l) });
  const record = readEtcdRecord(home);
  assert.ok(record && 'pid' in record, 'the app started etcd as a process');
  etcdPids.push(record.pid);
  assert.equal(hosted.inProcess, true);
  const first = await locateLocalControlPlane(home);
  assert.ok('info' in first);
  // GATEWAY_TRAY_CLIENT_CERT_LIFETIME reaches the embedded control plane.
  const issued = await new CloudClient({ baseUrl: first.info.apiUrl, token: first.token }).gatewayCertificate(first.info.clusterId, 'lifetime-1');
  const left = Date.parse(new X509Certificate(issued.certificate).validTo) - Date.now();
  assert.ok(left > 2 * 60_000 && left <= 3 * 60_000 + 1000, `about 3 minutes, got ${left} ms`);
  await hosted.stop();
  assert.equal(alive(record.pid), false, 'etcd is gone with the host');
  assert.ok(logs.some((l) => l === `Stopped the etcd this app started (pid ${record.pid}, ${record.url}).`), logs.join('\n'));
  assert.equal(readEtcdRecord(home), undefined);
  assert.equal(existsSync(join(home, 'etcd', 'etcd.pid')), false, 'no pid file names the dead etcd');

  // Restarted: the same data-plane port (gateways' config.yaml names it), and again its own etcd.
  // The host's own option beats the variable.
  const again = await hostLocalControlPlane({ home, env, engine, clientCertLifetimeMs: 10 * 60_000, log: (l) => logs.push(l) });
  try {
    const second = await locateLocalControlPlane(home);
    assert.ok('info' in second);
    const longer = await new CloudClient({ baseUrl: second.info.apiUrl, token: second.token }).gatewayCertificate(second.info.clusterId, 'lifetime-2');
    assert.ok(Date.parse(new X509Certificate(longer.certificate).validTo) - Date.now() > 9 * 60_000);
    assert.equal(second.info.dataPlaneUrl, first.info.dataPlaneUrl);
    assert.equal(second.info.apiUrl, first.info.apiUrl);
    assert.deepEqual(readRememberedPorts(join(home, 'control-plane')), { apiPort: Number(new URL(first.info.apiUrl).port), dpPort: Number(new URL(first.info.dataPlaneUrl).port) });
    const r2 = readEtcdRecord(home);
    if (r2 && 'pid' in r2) etcdPids.push(r2.pid);
  } finally {
    await again.stop();
  }
});

test('an etcd the host only adopted is left running when it stops', { timeout: 120_000 }, async () => {
  const env = { ...process.env, GATEWAY_TRAY_HOME: home, PATH: '/usr/bin:/bin' };
  const { ensureLocalEtcd, stopLocalEtcd } = await import('../../src/core/gateway/etcd-process.ts');
  const etcd = await ensureLocalEtcd(home, env);
  if (etcd.pid) etcdPids.push(etcd.pid);
  try {
    const hosted = await hostLocalControlPlane({ home, env, engine });
    await hosted.stop();
    assert.equal(alive(etcd.pid ?? 0), true, 'not the host’s to stop');
  } finally {
    await stopLocalEtcd(home, etcd);
  }
});

test('the app and a CLI launch starting at once on a fresh home: one etcd, one control plane, both use it', { timeout: 180_000 }, async () => {
  const raceHome = await mkdtemp(join(tmpdir(), 'gt-host-race-'));
  mkdirSync(join(raceHome, 'control-plane'), { recursive: true, mode: 0o700 });
  rememberPorts(join(raceHome, 'control-plane'), { apiPort: await freePort(), dpPort: await freePort() });
  const env = { ...process.env, GATEWAY_TRAY_HOME: raceHome, PATH: `/usr/bin:/bin:${process.env.PATH ?? ''}` };
  const cli = CLI_COMMAND;
  const { ensureLocalControlPlane } = await import('../../src/core/gateway/local-control-plane.ts');
  const { stopBackgroundControlPlane } = await import('../../src/core/gateway/background-control-plane.ts');
  const [hosted, launched] = await Promise.all([hostLocalControlPlane({ home: raceHome, env, engine }), ensureLocalControlPlane({ home: raceHome, cliCommand: cli, env, timeoutMs: 60_000 })]);
  try {
    assert.equal(hosted.apiUrl, launched.info.apiUrl, 'one control plane');
    assert.equal(hosted.inProcess, !launched.started, 'started by exactly one of the two');
    const record = readEtcdRecord(raceHome);
    assert.ok(record && 'pid' in record && alive(record.pid));
    etcdPids.push(record.pid);
  } finally {
    await hosted.stop();
    await stopBackgroundControlPlane(raceHome);
    await rm(raceHome, { recursive: true, force: true });
  }
});
