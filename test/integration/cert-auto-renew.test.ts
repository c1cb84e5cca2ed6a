/**
 * The certificate renews itself, end to end: a control plane issuing 1-minute client certificates (the
 * shortest it issues: due for renewal 40 s after issue), the
 * app service with a cloud profile on it (autoRenewCert on, as by default), a real gateway. Within the
 * certificate's last third of life the app renews it, restarts the gateway and revokes the old serial
 * once the new one is accepted; heartbeats never pause for longer than one heartbeat interval, and the
 * status never reaches Error.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAppService, type AppService } from '../../src/core/app/app-service.ts';
import { FileSecretStore } from '../../src/core/credentials/file-secret-store.ts';
import { readTlsBundle } from '../../src/core/credentials/tls-bundle.ts';
import { inspectCertificate } from '../../src/core/credentials/x509-inspect.ts';
import { STANDIN_IMAGE, TEST_LABEL } from '../helpers/docker.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { freeProfilePorts, startLaunchWorld, type LaunchWorld } from './launch-setup.ts';

const LIFETIME_MS = 60_000;
const HEARTBEAT_INTERVAL_MS = 10_000; // assets/agent/gateway_tray_agent/config.lua
let w: LaunchWorld;
let service: AppService;
let elsewhere: string;
const caller = { clientId: 'test' };

before(async () => {
  w = await startLaunchWorld('cert-auto-renew', { clientCertLifetimeMs: LIFETIME_MS });
  elsewhere = await mkdtemp(join(tmpdir(), 'gt-renew-store-'));
  service = await createAppService({
    env: { ...process.env, GATEWAY_TRAY_HOME: w.home, DOCKER_HOST: 'unix:///var/run/docker.sock' },
    transport: 'web',
    hostControlPlane: false,
    secrets: new FileSecretStore({ home: elsewhere }),
    labels: { [TEST_LABEL]: w.run },
    pollMs: 1000,
    renewRetryMs: 5000,
  });
});
after(async () => {
  await service?.dispose();
  await w?.cleanup();
  await rm(elsewhere, { recursive: true, force: true });
});

test('a 1-minute certificate is renewed by itself, the old serial revoked, with no heartbeat gap over one interval', { timeout: 240_000 }, async (t) => {
  const t0 = Date.now();
  const mark = (what: string) => t.diagnostic(`${what} at ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  await service.handlers.addProfile({ name: 'renew', kind: 'cloud', apiUrl: w.h.cp.apiUrl, token: w.h.token, image: STANDIN_IMAGE, ports: await freeProfilePorts() }, caller);
  await service.handlers.useProfile({ name: 'renew' }, caller);
  const outcome = await service.handlers.launch(undefined, caller);
  mark('launched');
  const where = { home: w.home, profile: 'renew', instanceId: outcome.instanceId };
  const first = inspectCertificate(readTlsBundle(where)!.bundle.certificate);
  assert.ok(first.notAfter.getTime() - Date.now() <= LIFETIME_MS, 'a short-lived certificate');

  const [clusterId] = (await w.h.client.clusters((await w.h.client.me()).org_ids[0]!)).map((c) => c.id);
  const seen: number[] = [];
  const states = new Set<string>();
  let stop = false;
  const sampling = (async () => {
    while (!stop) {
      const inst = await w.h.client.instance(clusterId!, outcome.instanceId).catch(() => undefined);
      const at = inst?.last_seen_time ? Date.parse(inst.last_seen_time) : undefined;
      if (at !== undefined && at !== seen.at(-1)) seen.push(at);
      const s = service.currentStatus();
      if (s) states.add(s.state);
      await new Promise((r) => setTimeout(r, 500));
    }
  })();

  let renewed;
  try {
    renewed = await waitFor(
      () => {
        const now = readTlsBundle(where)?.bundle.certificate;
        const info = now ? inspectCertificate(now) : undefined;
        return info && info.serialHex !== first.serialHex ? info : undefined;
      },
      { what: 'the certificate to be renewed by itself', timeoutMs: LIFETIME_MS, intervalMs: 1000 },
    );
    mark('renewed');
    assert.ok(Date.now() < first.notAfter.getTime(), 'renewed before the old one expired');
    await waitFor(() => w.h.logs.some((l) => l.includes(`revoked client certificate ${first.serialHex}`)), { what: 'the old serial to be revoked', timeoutMs: 30_000 });
    const revokedAt = Date.now();
    mark('old serial revoked');
    // A heartbeat with the new certificate, then one more interval of heartbeats.
    await waitFor(() => seen.length > 0 && seen.at(-1)! > Date.now() - HEARTBEAT_INTERVAL_MS && readTlsBundle(where) !== undefined, { what: 'heartbeats after the renewal', timeoutMs: 30_000 });
    await waitFor(() => (service.currentStatus()?.state === 'healthy' ? true : undefined), { what: 'Healthy after the renewal', timeoutMs: 30_000 });
    mark('healthy after the renewal');
    // The old serial is revoked right after the registration heartbeat: the one after the revocation (and
    // the second-granular last_seen_time) is the next interval's, on the new certificate alone.
    await waitFor(() => seen.at(-1)! > revokedAt + 1000, { what: 'one more heartbeat after the revocation', timeoutMs: 2 * HEARTBEAT_INTERVAL_MS });
    mark('one more heartbeat');
  } finally {
    // Also on a failure: the sampler's timer would keep the file's process alive until the runner's bound.
    stop = true;
    await sampling;
  }

  const gaps = seen.slice(1).map((at, i) => at - seen[i]!);
  const worst = Math.max(...gaps);
  t.diagnostic(`pauses between heartbeats: ${gaps.join(', ')} ms`);
  // One interval, plus the second-granular timestamps the control plane keeps.
  assert.ok(worst <= HEARTBEAT_INTERVAL_MS + 1500, `the longest pause between heartbeats was ${worst} ms (${gaps.join(', ')})`);
  assert.ok(!states.has('error'), `the status never reached Error (${[...states].join(', ')})`);
  assert.ok(renewed.notAfter.getTime() > first.notAfter.getTime());
});
