/**
 * Which gateways the CLI's background control plane renews, and when: embedded profiles with
 * auto-renewal on, once their certificate on disk is due, one attempt per retry window after a failure;
 * never a cloud profile, an opted-out one, or a home whose control plane is another data folder. The
 * renewal itself (fetch, restart, revoke) is renewCertificate's, run end to end in
 * test/integration/cert-auto-renew-cli.test.ts; here a recording stand-in takes its place.
 */
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { instanceId } from '../../src/core/credentials/instance-id.ts';
import { ProfileStore } from '../../src/core/credentials/profile-store.ts';
import { writeTlsBundle } from '../../src/core/credentials/tls-bundle.ts';
import { inspectCertificate, renewalDueAt } from '../../src/core/credentials/x509-inspect.ts';
import { startBackgroundRenewal, type BackgroundRenewal } from '../../src/core/gateway/background-renewal.ts';
import { controlPlaneDir } from '../../src/core/gateway/local-control-plane.ts';
import type { RenewResult } from '../../src/core/gateway/renew.ts';
import { testPki } from '../helpers/test-pki.ts';

let home: string;
let running: BackgroundRenewal | undefined;
const pki = testPki();
const dueAt = renewalDueAt(inspectCertificate(pki.leaf.pem)).getTime();

function withCertificate(profile: string): void {
  const { id } = instanceId({ home, profile });
  writeTlsBundle({ home, profile, instanceId: id }, { certificate: pki.leaf.pem, privateKey: pki.leaf.keyPem, caCertificate: pki.ca.pem });
}

/** Records which profiles it was asked to renew; fails while `failing` is set. */
function recordingRenew(state: { calls: string[]; failing?: boolean }) {
  return async (profile: string): Promise<RenewResult> => {
    state.calls.push(profile);
    if (state.failing) throw new Error('the control plane did not answer');
    return { certificate: inspectCertificate(pki.leaf.pem), container: {} as RenewResult['container'], restarted: true, revokedSerial: 'old' };
  };
}

beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), 'gt-bg-renew-'));
  const store = new ProfileStore({ home });
  store.add({ name: 'team', kind: 'cloud', apiUrl: 'https://cp.example.com' });
  store.add({ name: 'manual', kind: 'local', options: { autoRenewCert: false } });
  for (const p of ['local', 'team', 'manual']) withCertificate(p);
});
afterEach(() => {
  running?.stop();
  running = undefined;
  rmSync(home, { recursive: true, force: true });
});

test('a due certificate of an embedded profile is renewed; cloud and opted-out profiles are left alone', async () => {
  const state = { calls: [] as string[] };
  const lines: string[] = [];
  running = startBackgroundRenewal({ home, env: {}, apiUrl: 'http://127.0.0.1:1', dataDir: controlPlaneDir(home), now: () => dueAt + 1000, renew: recordingRenew(state), log: (l) => lines.push(l) });
  await running!.checkNow();
  assert.ok(state.calls.length >= 1);
  assert.deepEqual([...new Set(state.calls)], ['local']);
  assert.match(lines.join('\n'), /Renewed the certificate of profile "local" .*restarted its gateway; the old serial old is revoked/);
});

test('before its renewal window nothing is renewed', async () => {
  const state = { calls: [] as string[] };
  running = startBackgroundRenewal({ home, env: {}, apiUrl: 'http://127.0.0.1:1', dataDir: controlPlaneDir(home), now: () => dueAt - 60_000, renew: recordingRenew(state) });
  await running!.checkNow();
  assert.deepEqual(state.calls, []);
});

test('after a failure it waits the retry window before trying that profile again, and says why', async () => {
  const state = { calls: [] as string[], failing: true };
  let now = dueAt + 1000;
  const lines: string[] = [];
  running = startBackgroundRenewal({ home, env: {}, apiUrl: 'http://127.0.0.1:1', dataDir: controlPlaneDir(home), now: () => now, retryAfterMs: 60_000, renew: recordingRenew(state), log: (l) => lines.push(l) });
  await running!.checkNow();
  assert.deepEqual(state.calls, ['local'], 'one attempt, not one per check');
  assert.match(lines.join('\n'), /Renewing the certificate of profile "local" failed; trying again in 60 s: the control plane did not answer/);
  now += 60_000;
  state.failing = false;
  await running!.checkNow();
  assert.deepEqual(state.calls, ['local', 'local']);
});

test('a control plane on another data folder renews nothing of this home', () => {
  const state = { calls: [] as string[] };
  const r = startBackgroundRenewal({ home, env: {}, apiUrl: 'http://127.0.0.1:1', dataDir: join(home, 'elsewhere'), now: () => dueAt + 1000, renew: recordingRenew(state) });
  assert.equal(r, undefined);
  assert.deepEqual(state.calls, [], 'not even a first check');
});
