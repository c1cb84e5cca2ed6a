import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { signBody } from '../../src/control-plane/data-plane/hmac.ts';
import { createCertificateAuthority, issueClientCertificate, parseAuthority, validityFrom } from '../../src/control-plane/pki/certificates.ts';
import { dpAgent, dpRequest, heartbeatBody, startHarness, type ClientCredentials, type Harness } from '../helpers/control-plane.ts';

let h: Harness;
let good: ClientCredentials;
before(async () => {
  h = await startHarness();
  const creds = await h.client.gatewayCertificate(h.cp.clusterId);
  good = { cert: creds.certificate, key: creds.private_key, ca: h.caPem, servername: h.cp.domain };
});
after(async () => {
  await h?.cleanup();
});

const HB = '/api/v1/dp/instance/heartbeat';
const beat = (creds: ClientCredentials, id: string, headers: Record<string, string> = {}) =>
  dpRequest(h.cp.dataPlaneUrl, creds, { method: 'POST', path: HB, body: heartbeatBody(id), headers: { 'x-apiseven-instance-id': id, ...headers } });

async function stillServes() {
  const r = await beat(good, 'canary');
  assert.equal(r.status, 200, r.text);
}

async function assertRefused(creds: ClientCredentials, what: string) {
  await assert.rejects(beat(creds, `refused-${what}`), (err: unknown) => err instanceof Error, what);
  assert.equal(await h.client.instance(h.cp.clusterId, `refused-${what}`).catch(() => undefined), undefined, `${what} registered nothing`);
  await stillServes();
}

test('a certificate from the control plane is accepted under each name the server certificate covers', async () => {
  for (const servername of [h.cp.domain, 'host.docker.internal', 'localhost']) {
    const r = await beat({ ...good, servername }, 'named');
    assert.equal(r.status, 200, servername);
    const json = r.json() as { status: { code: number }; payload: { max_metrics_size: number; config: { version: number } } };
    assert.equal(json.status.code, 0);
    assert.equal(json.payload.max_metrics_size, 1024 * 1024);
  }
});

test('no client certificate is refused', async () => {
  await assertRefused({ ca: h.caPem, servername: h.cp.domain }, 'none');
});

test("another CA's certificate is refused", async () => {
  const other = await createCertificateAuthority('someone else', validityFrom(new Date(), 86_400_000));
  const cert = await issueClientCertificate(other, validityFrom(new Date(), 86_400_000));
  await assertRefused({ cert: cert.certPem, key: cert.keyPem, ca: h.caPem, servername: h.cp.domain }, 'foreign');
});

test('an expired certificate from the right CA is refused', async () => {
  const ca = parseAuthority(await readFile(join(h.dataDir, 'ca.crt'), 'utf8'), await readFile(join(h.dataDir, 'ca.key'), 'utf8'));
  const cert = await issueClientCertificate(ca, { notBefore: new Date(Date.now() - 2 * 86_400_000), notAfter: new Date(Date.now() - 86_400_000) });
  await assertRefused({ cert: cert.certPem, key: cert.keyPem, ca: h.caPem, servername: h.cp.domain }, 'expired');
});

test('a revoked certificate is refused at handshake, and an open connection with it is cut', async () => {
  const creds = await h.client.gatewayCertificate(h.cp.clusterId);
  const tls = { cert: creds.certificate, key: creds.private_key, ca: h.caPem, servername: h.cp.domain };
  const agent = dpAgent(tls);
  try {
    const first = await dpRequest(h.cp.dataPlaneUrl, tls, { method: 'POST', path: HB, body: heartbeatBody('soon-revoked'), agent });
    assert.equal(first.status, 200);
    const serial = new X509Certificate(creds.certificate).serialNumber;
    const res = await fetch(`${h.cp.apiUrl}/api/v1/clusters/${h.cp.clusterId}/gateway_certificate/${serial}`, { method: 'DELETE', headers: { authorization: `Bearer ${h.token}` } });
    assert.equal(res.status, 200);
    await assert.rejects(dpRequest(h.cp.dataPlaneUrl, tls, { method: 'POST', path: HB, body: heartbeatBody('soon-revoked'), agent }), /socket hang up|ECONNRESET/);
  } finally {
    agent.destroy();
  }
  await assertRefused(tls, 'revoked');
  await h.restart();
  await assert.rejects(beat(tls, 'revoked-after-restart'), Error, 'the revoke list survives a restart');
  await stillServes();
});

test('an instance-bound certificate is refused for another instance id', async () => {
  const creds = await h.client.gatewayCertificate(h.cp.clusterId, 'bound-1');
  const tls = { cert: creds.certificate, key: creds.private_key, ca: h.caPem, servername: h.cp.domain };
  const ok = await beat(tls, 'bound-1');
  assert.equal(ok.status, 200, ok.text);
  const wrongHeader = await beat(tls, 'bound-2');
  assert.equal(wrongHeader.status, 403);
  assert.equal((wrongHeader.json() as { status: { code: number } }).status.code, 7);
  const wrongBody = await dpRequest(h.cp.dataPlaneUrl, tls, { method: 'POST', path: HB, body: heartbeatBody('bound-3') });
  assert.equal(wrongBody.status, 403);
  for (const id of ['bound-2', 'bound-3']) {
    assert.equal(await h.client.instance(h.cp.clusterId, id).catch(() => undefined), undefined);
  }
  const watch = await dpRequest(h.cp.dataPlaneUrl, tls, { method: 'POST', path: '/v3/kv/range', headers: { 'x-apiseven-instance-id': 'bound-9' }, body: JSON.stringify({ key: Buffer.from('/apisix/routes/').toString('base64') }) });
  assert.equal(watch.status, 403, 'the config centre checks the binding too');
  await stillServes();
});

test('X-HMAC-SIGNATURE is verified when present', async () => {
  const serial = new X509Certificate(good.cert ?? '').serialNumber;
  const body = heartbeatBody('signed');
  const signed = await dpRequest(h.cp.dataPlaneUrl, good, { method: 'POST', path: HB, body, headers: { 'x-apiseven-instance-id': 'signed', 'x-hmac-signature': signBody(body, serial, 'signed') } });
  assert.equal(signed.status, 200, signed.text);
  const tampered = await dpRequest(h.cp.dataPlaneUrl, good, { method: 'POST', path: HB, body: body.replace('"api_calls":0', '"api_calls":9'), headers: { 'x-apiseven-instance-id': 'signed', 'x-hmac-signature': signBody(body, serial, 'signed') } });
  assert.equal(tampered.status, 400);
  assert.match(tampered.text, /X-HMAC-SIGNATURE/);
  assert.equal((await h.client.instance(h.cp.clusterId, 'signed')).api_calls, 0);
});

test('the instance remembers the expiry of the certificate it presented', async () => {
  await beat(good, 'expiry');
  const inst = await h.client.instance(h.cp.clusterId, 'expiry');
  assert.equal(Date.parse(inst.cert_not_after ?? ''), Date.parse(new X509Certificate(good.cert ?? '').validTo));
});

test('several data-plane addresses share one port, and the server certificate names each of them', async () => {
  const multi = await startHarness({ dpListen: [{ host: '127.0.0.1', port: 0 }, { host: '127.0.0.2', port: 0 }], dataPlaneAdvertiseHost: 'gateway-host.test' });
  try {
    const creds = await multi.client.gatewayCertificate(multi.cp.clusterId);
    const port = new URL(multi.cp.dataPlaneUrl).port;
    const cert = new X509Certificate(await readFile(join(multi.dataDir, 'server.crt'), 'utf8'));
    assert.ok(cert.checkIP('127.0.0.2'));
    assert.ok(cert.checkHost('gateway-host.test'));
    for (const host of ['127.0.0.1', '127.0.0.2']) {
      const r = await dpRequest(`https://${host}:${port}`, { cert: creds.certificate, key: creds.private_key, ca: multi.caPem, servername: multi.cp.domain }, { path: '/version' });
      assert.equal(r.status, 200, host);
    }
    assert.match(await multi.client.startupTemplate(multi.cp.clusterId), new RegExp(`https://gateway-host\\.test:${port}`));
  } finally {
    await multi.cleanup();
  }
});
