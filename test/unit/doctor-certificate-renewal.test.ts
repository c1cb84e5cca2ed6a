/**
 * doctor's certificate line says when renewal is due and who does it: the local control plane for an
 * embedded profile, the app (or renew-cert, from the command line alone) for a cloud one, nobody when
 * the profile turned auto-renewal off; a due certificate is a warning whose fix is renew-cert.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { instanceId } from '../../src/core/credentials/instance-id.ts';
import { ProfileStore } from '../../src/core/credentials/profile-store.ts';
import { writeTlsBundle } from '../../src/core/credentials/tls-bundle.ts';
import { inspectCertificate, renewalDueAt } from '../../src/core/credentials/x509-inspect.ts';
import { certificateCheck } from '../../src/core/doctor/certificate-check.ts';
import type { DoctorContext } from '../../src/core/doctor/types.ts';
import { testPki } from '../helpers/test-pki.ts';

let home: string;
const pki = testPki();
const dueAt = renewalDueAt(inspectCertificate(pki.leaf.pem)).getTime();

before(() => {
  home = mkdtempSync(join(tmpdir(), 'gt-doctor-cert-'));
  const store = new ProfileStore({ home });
  store.add({ name: 'team', kind: 'cloud', apiUrl: 'https://cp.example.com' });
  store.add({ name: 'manual', kind: 'local', options: { autoRenewCert: false } });
  for (const profile of ['local', 'team', 'manual']) {
    const { id } = instanceId({ home, profile });
    writeTlsBundle({ home, profile, instanceId: id }, { certificate: pki.leaf.pem, privateKey: pki.leaf.keyPem, caCertificate: pki.ca.pem });
  }
});
after(() => rmSync(home, { recursive: true, force: true }));

// Only what the certificate check reads; it asks nothing of Docker or the control plane.
const ctx = (profile: string, now: number) => ({ home, profile: new ProfileStore({ home }).get(profile), now: () => now, env: {} }) as unknown as DoctorContext;

test('before the window: ok, with the renewal date and who renews', async () => {
  const at = dueAt - 86_400_000;
  const local = await certificateCheck.run(ctx('local', at));
  assert.equal(local.status, 'ok');
  assert.match(local.detail, new RegExp(`renewal due ${new Date(dueAt).toISOString().slice(0, 16)}.*renewed by itself while the local control plane runs`));
  assert.match((await certificateCheck.run(ctx('team', at))).detail, /while the app runs with this profile; from the command line alone, run 'gateway-tray renew-cert' by then/);
  assert.match((await certificateCheck.run(ctx('manual', at))).detail, /auto-renewal is off for this profile/);
});

test('within the window: a warning whose fix is renew-cert (and, for an embedded profile, the control plane)', async () => {
  const team = await certificateCheck.run(ctx('team', dueAt + 1000));
  assert.equal(team.status, 'warn');
  assert.match(team.detail, /due for renewal since/);
  assert.equal(team.fix, "Run 'gateway-tray renew-cert'.");
  const local = await certificateCheck.run(ctx('local', dueAt + 1000));
  assert.match(local.fix ?? '', /local control plane renews it by itself while it runs .*Run 'gateway-tray renew-cert'\./);
});
