import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, createHmac, X509Certificate } from 'node:crypto';
import { signBody } from '../../src/control-plane/data-plane/hmac.ts';
import { dpRequest, heartbeatBody, startHarness, type ClientCredentials, type DpResponse, type Harness } from '../helpers/control-plane.ts';

let h: Harness;
before(async () => {
  h = await startHarness();
});
after(async () => {
  await h?.cleanup();
});

const HB = '/api/v1/dp/instance/heartbeat';

async function certificate(instanceId?: string): Promise<{ tls: ClientCredentials; serial: string }> {
  const creds = await h.client.gatewayCertificate(h.cp.clusterId, instanceId);
  return {
    tls: { cert: creds.certificate, key: creds.private_key, ca: h.caPem, servername: h.cp.domain },
    serial: new X509Certificate(creds.certificate).serialNumber,
  };
}

/** A heartbeat over `tls`, with the signature `signature` makes of its body. */
function beat(tls: ClientCredentials, id: string, runId: string, signature: (body: string) => string) {
  const body = heartbeatBody(id);
  return dpRequest(h.cp.dataPlaneUrl, tls, {
    method: 'POST',
    path: HB,
    body,
    headers: { 'x-apiseven-instance-id': id, 'x-apiseven-run-id': runId, 'x-hmac-signature': signature(body) },
  });
}

/** Signed with the §2 key of `serial`: the serial a module derived its key from, not necessarily the connection's. */
const signedBy = (serial: string, id: string) => (body: string) => signBody(body, serial, id);

function assertRefused(r: DpResponse, what: string) {
  assert.equal(r.status, 400, what);
  assert.equal((r.json() as { error: string }).error, 'X-HMAC-SIGNATURE does not match the body', what);
}

test('a heartbeat signed the old way (md5 of serial and id together) is refused; one signed the §2 way is accepted', async () => {
  const { tls, serial } = await certificate();
  const id = 'hmac-old-new';
  for (const printed of [serial.toLowerCase(), serial.toUpperCase()]) {
    const oldKey = createHash('md5').update(`${printed}${id}`).digest('hex');
    assertRefused(await beat(tls, id, 'run-1', (body) => createHmac('sha256', oldKey).update(body).digest('base64')), `old key over ${printed}`);
  }
  await assert.rejects(h.client.instance(h.cp.clusterId, id), 'nothing registered from a refused heartbeat');
  // §2, written out here from the definition: md5_hex(uppercase serial) .. instance id.
  const key = `${createHash('md5').update(serial.toUpperCase()).digest('hex')}${id}`;
  const ok = await beat(tls, id, 'run-1', (body) => createHmac('sha256', key).update(body).digest('base64'));
  assert.equal(ok.status, 200, ok.text);
  assert.equal((await h.client.instance(h.cp.clusterId, id)).id, id);
});

test('after a renewal, a signature with the old serial is accepted for the same instance and run only', async () => {
  const id = 'renewed';
  const a = await certificate();
  assert.equal((await beat(a.tls, id, 'run-1', signedBy(a.serial, id))).status, 200);
  // Renewed: the module presents the new certificate but keeps the key of the old serial.
  const b = await certificate();
  const renewed = await beat(b.tls, id, 'run-1', signedBy(a.serial, id));
  assert.equal(renewed.status, 200, renewed.text);
  assert.equal((await h.client.instance(h.cp.clusterId, id)).cert_not_after, new Date(new X509Certificate(b.tls.cert ?? '').validTo).toISOString());
  // A new run derives its key afresh: the old serial's key no longer counts, the current one does.
  assertRefused(await beat(b.tls, id, 'run-2', signedBy(a.serial, id)), 'old serial in a new run');
  assert.equal((await beat(b.tls, id, 'run-2', signedBy(b.serial, id))).status, 200);

  // A serial seen for another instance never signs for this one.
  const c = await certificate();
  assert.equal((await beat(c.tls, 'someone-else', 'run-2', signedBy(c.serial, 'someone-else'))).status, 200);
  assertRefused(await beat(b.tls, id, 'run-2', signedBy(c.serial, id)), "another instance's serial");
  // A serial never seen on a verified connection does not either.
  const unseen = await certificate();
  assertRefused(await beat(b.tls, id, 'run-2', signedBy(unseen.serial, id)), 'an unseen serial');
});

test('a revoked serial signs for nothing, even on a connection with the renewed certificate', async () => {
  const id = 'renewed-then-revoked';
  const a = await certificate(id);
  const b = await certificate(id);
  assert.equal((await beat(a.tls, id, 'run-9', signedBy(a.serial, id))).status, 200);
  assert.equal((await beat(b.tls, id, 'run-9', signedBy(a.serial, id))).status, 200, 'bound certificates renew the same way');
  const revoked = await fetch(`${h.cp.apiUrl}/api/v1/clusters/${h.cp.clusterId}/gateway_certificate/${a.serial}`, { method: 'DELETE', headers: { authorization: `Bearer ${h.token}` } });
  assert.equal(revoked.status, 200);
  assertRefused(await beat(b.tls, id, 'run-9', signedBy(a.serial, id)), 'revoked serial');
  assert.equal((await beat(b.tls, id, 'run-9', signedBy(b.serial, id))).status, 200);
});
