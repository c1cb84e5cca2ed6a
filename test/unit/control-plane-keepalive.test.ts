import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:https';
import { dataPlaneServerOptions, HEARTBEAT_INTERVAL_MS } from '../../src/control-plane/data-plane/server.ts';
import { createCertificateAuthority, issueServerCertificate, validityFrom } from '../../src/control-plane/pki/certificates.ts';

const METRICS_INTERVAL_MS = 15_000;

test('the data-plane listener keeps idle connections for at least two heartbeat intervals, and nothing closes them sooner', async () => {
  const validity = validityFrom(new Date(), 86_400_000);
  const ca = await createCertificateAuthority('test', validity);
  const cert = await issueServerCertificate(ca, ['localhost'], validity);
  const options = dataPlaneServerOptions({ certPem: cert.certPem, keyPem: cert.keyPem, caPem: ca.certPem }, Buffer.alloc(48, 1));
  const server = createServer(options);
  // What node applied, not only what was asked for.
  assert.ok(server.keepAliveTimeout >= 2 * HEARTBEAT_INTERVAL_MS, `keepAliveTimeout ${server.keepAliveTimeout}`);
  assert.ok(server.keepAliveTimeout >= 2 * METRICS_INTERVAL_MS, 'metrics share the connection every 15 s');
  assert.equal(server.timeout, 0, 'no socket inactivity timeout beyond keep-alive');
  assert.equal(server.requestTimeout, 0, 'a watch is a request that lasts for hours');
  // headersTimeout counts while a request's headers arrive, not on an idle connection between requests.
  assert.ok(server.headersTimeout > 0 && server.headersTimeout <= 60_000);
  assert.equal(options.requestCert, true);
  assert.equal(options.rejectUnauthorized, true);
  assert.equal(options.ticketKeys?.length, 48, 'session tickets, with keys shared by every listener');
  assert.ok((options.sessionTimeout ?? 0) >= 2 * HEARTBEAT_INTERVAL_MS / 1000);
});
