/**
 * A certificate near expiry shows `degraded` with the renew action, and renewing clears it. The control
 * plane first issues short-lived certificates (so the first one is inside its renewal window at once),
 * then is restarted on the same ports with the normal lifetime before the renewal.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readTlsBundle } from '../../src/core/credentials/tls-bundle.ts';
import { inspectCertificate } from '../../src/core/credentials/x509-inspect.ts';
import { launchGateway } from '../../src/core/gateway/launch.ts';
import { renewCertificate } from '../../src/core/gateway/renew.ts';
import { StatusWatcher } from '../../src/core/status/status-watcher.ts';
import { trayModel } from '../../src/core/tray/tray-model.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { startLaunchWorld, type LaunchWorld } from './launch-setup.ts';

let w: LaunchWorld;
let watcher: StatusWatcher;

before(async () => {
  // 30 s of life (an in-process option, below the CLI's 1-minute floor), backdated by as much: its
  // renewal window, the last third (10 s), opens 20 s after it is issued.
  w = await startLaunchWorld('status-cert', { clientCertLifetimeMs: 30_000 });
  watcher = new StatusWatcher({ engine: w.engine, home: w.home, profile: 'local', client: w.h.client, pollMs: 1000, instancePollMs: 1000, certificatePollMs: 1000 });
  watcher.start();
});
after(async () => {
  watcher?.dispose();
  await w?.cleanup();
});

test('a certificate near expiry shows degraded, and renew clears it', async () => {
  const launched = await launchGateway(w.ctx());
  await watcher.probeNow();
  const degraded = await waitFor(() => (watcher.current?.state === 'degraded' ? watcher.current : undefined), { timeoutMs: 30_000, what: 'degraded' });
  const reason = degraded.reasons.find((r) => r.code === 'cert-expiring');
  assert.ok(reason, `reasons: ${JSON.stringify(degraded.reasons)}`);
  assert.equal(reason.action, 'renew-cert');
  assert.ok(trayModel(degraded).menu.some((m) => m.type === 'action' && m.id === 'renew-cert' && m.enabled));

  const location = { home: w.home, profile: 'local', instanceId: launched.instanceId };
  const oldSerial = inspectCertificate(readTlsBundle(location)!.bundle.certificate).serialHex;
  await w.restartControlPlane({ clientCertLifetimeMs: 30 * 24 * 3600_000 });
  const renewed = await renewCertificate(w.ctx(), { registerTimeoutMs: 60_000 });
  assert.equal(renewed.restarted, true);
  assert.notEqual(renewed.certificate.serialHex, oldSerial);
  assert.equal(renewed.certificate.subjectCN, launched.instanceId);
  // The container holds the new certificate, still owned by the gateway's user.
  const inside = await w.engine.readFile(launched.containerId, '/cloud/tls/tls.crt');
  assert.equal(inspectCertificate(inside.toString('utf8')).serialHex, renewed.certificate.serialHex);
  assert.equal(readTlsBundle(location)!.bundle.certificate, inside.toString('utf8'));

  await watcher.probeNow();
  const healthy = await waitFor(() => (watcher.current?.state === 'healthy' ? watcher.current : undefined), { timeoutMs: 30_000, what: 'healthy after renewal' });
  assert.equal(Date.parse(healthy.certificateNotAfter!), renewed.certificate.notAfter.getTime());
});
