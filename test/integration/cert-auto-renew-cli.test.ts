/**
 * Auto-renewal with the command line alone, end to end: `gateway-tray launch` of an embedded profile
 * starts the background control plane (real processes, real etcd, the stand-in gateway) with 1-minute
 * client certificates (GATEWAY_TRAY_CLIENT_CERT_LIFETIME, passed on by launch; the shortest it issues, due
 * for renewal 40 s after issue). No app runs. Within the
 * certificate's last third of life the background control plane renews it, restarts the gateway and
 * revokes the old serial; heartbeats never pause for longer than one heartbeat interval and `status`
 * stays out of Error.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudClient } from '../../src/core/cloud/client.ts';
import { readTlsBundle } from '../../src/core/credentials/tls-bundle.ts';
import { inspectCertificate } from '../../src/core/credentials/x509-inspect.ts';
import { LABEL_INSTANCE_ID } from '../../src/core/engine/labels.ts';
import { STANDIN_IMAGE, ensureStandinImage, freePort, removeContainersByLabel, testDocker } from '../helpers/docker.ts';
import { startEtcd, type RunningEtcd } from '../helpers/etcd.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { freeProfilePorts } from './launch-setup.ts';
import { CLI_ARGS } from '../helpers/cli-process.ts';

const LIFETIME_MS = 60_000;
const HEARTBEAT_INTERVAL_MS = 10_000; // assets/agent/gateway_tray_agent/config.lua

let etcd: RunningEtcd;
let home: string;
let env: NodeJS.ProcessEnv;
let instanceId: string | undefined;

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...CLI_ARGS, ...args], { env, timeout: 120_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

before(async () => {
  await ensureStandinImage(await testDocker());
  etcd = await startEtcd();
  home = await mkdtemp(join(tmpdir(), 'gt-cli-renew-'));
  env = { ...process.env, GATEWAY_TRAY_HOME: home, GATEWAY_TRAY_CLIENT_CERT_LIFETIME: '1m' };
  // Remembered ports for the background control plane: free ones, never the defaults 7080/7443.
  await mkdir(join(home, 'control-plane'), { recursive: true, mode: 0o700 });
  await writeFile(join(home, 'control-plane', 'background.json'), JSON.stringify({ apiPort: await freePort(), dpPort: await freePort() }));
});
after(async () => {
  if (instanceId) await removeContainersByLabel(await testDocker(), LABEL_INSTANCE_ID, instanceId).catch(() => undefined);
  // The background control plane is stopped by the CLI itself, which stops by pid.
  await cli(['control-plane', 'stop']).catch(() => undefined);
  await etcd?.stop();
  await rm(home, { recursive: true, force: true });
});

test('the background control plane renews a CLI-launched gateway, restarts it and revokes the old serial, with no heartbeat gap', { timeout: 300_000 }, async (t) => {
  const t0 = Date.now();
  const mark = (what: string) => t.diagnostic(`${what} at ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  const ports = await freeProfilePorts();
  const added = await cli(['profiles', 'add', 'solo', '--http-port', String(ports.proxyHttp), '--https-port', String(ports.proxyHttps), '--control-port', String(ports.control), '--prometheus-port', String(ports.prometheus), '--use']);
  assert.equal(added.code, 0, added.stderr);
  const launched = await cli(['launch', '--image', STANDIN_IMAGE, '--etcd', etcd.url, '--json']);
  assert.equal(launched.code, 0, launched.stderr);
  instanceId = (JSON.parse(launched.stdout) as { instanceId: string }).instanceId;
  assert.match(launched.stderr, /Started the local control plane in the background/);
  mark('launched');

  const where = { home, profile: 'solo', instanceId };
  const first = inspectCertificate(readTlsBundle(where)!.bundle.certificate);
  assert.ok(first.notAfter.getTime() - Date.now() <= LIFETIME_MS, 'a short-lived certificate');

  const info = JSON.parse(readFileSync(join(home, 'control-plane', 'control-plane.json'), 'utf8')) as { apiUrl: string; tokenFile: string; clusterId: string };
  const client = new CloudClient({ baseUrl: info.apiUrl, token: readFileSync(info.tokenFile, 'utf8').trim() });
  const seen: number[] = [];
  const states = new Set<string>();
  let stop = false;
  const sampling = (async () => {
    while (!stop) {
      const inst = await client.instance(info.clusterId, instanceId!).catch(() => undefined);
      const at = inst?.last_seen_time ? Date.parse(inst.last_seen_time) : undefined;
      if (at !== undefined && at !== seen.at(-1)) seen.push(at);
      await new Promise((r) => setTimeout(r, 500));
    }
  })();
  const statusStates = (async () => {
    while (!stop) {
      const s = await cli(['status', '--json']);
      if (s.stdout) states.add((JSON.parse(s.stdout) as { state: string }).state);
      await new Promise((r) => setTimeout(r, 5000));
    }
  })();

  try {
    const renewed = await waitFor(
      () => {
        const now = readTlsBundle(where)?.bundle.certificate;
        const c = now ? inspectCertificate(now) : undefined;
        return c && c.serialHex !== first.serialHex ? c : undefined;
      },
      { what: 'the certificate to be renewed by the background control plane', timeoutMs: LIFETIME_MS, intervalMs: 1000 },
    );
    mark('renewed');
    assert.ok(Date.now() < first.notAfter.getTime(), 'renewed before the old one expired');
    const logFile = join(home, 'control-plane', 'control-plane.log');
    const log = () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : '');
    await waitFor(() => log().includes(`revoked client certificate ${first.serialHex}`), { what: `the old serial to be revoked (log: ${log().slice(-2000)})`, timeoutMs: 60_000 });
    const revokedAt = Date.now();
    mark('old serial revoked');
    assert.match(log(), new RegExp(`Renewed the certificate of profile "solo" \\(serial ${first.serialHex} → ${renewed.serialHex},.*restarted its gateway`));

    // A heartbeat with the new certificate, then one more interval of heartbeats.
    await waitFor(() => seen.length > 0 && seen.at(-1)! > Date.now() - HEARTBEAT_INTERVAL_MS, { what: 'heartbeats after the renewal', timeoutMs: 30_000 });
    // The old serial is revoked right after the registration heartbeat: the one after the revocation (and
    // the second-granular last_seen_time) is the next interval's, on the new certificate alone.
    await waitFor(() => seen.at(-1)! > revokedAt + 1000, { what: 'one more heartbeat after the revocation', timeoutMs: 2 * HEARTBEAT_INTERVAL_MS });
    mark('one more heartbeat');
  } finally {
    // Also on a failure: the samplers' timers would keep the file's process alive until the runner's bound.
    stop = true;
    await Promise.all([sampling, statusStates]);
  }

  const gaps = seen.slice(1).map((at, i) => at - seen[i]!);
  const worst = Math.max(...gaps);
  t.diagnostic(`pauses between heartbeats: ${gaps.join(', ')} ms`);
  // One interval, plus the second-granular timestamps the control plane keeps.
  assert.ok(worst <= HEARTBEAT_INTERVAL_MS + 1500, `the longest pause between heartbeats was ${worst} ms (${gaps.join(', ')})`);
  assert.ok(!states.has('error'), `status never said Error (${[...states].join(', ')})`);
  const after = await cli(['status', '--json']);
  assert.equal((JSON.parse(after.stdout) as { state: string }).state, 'healthy', after.stderr);
});
