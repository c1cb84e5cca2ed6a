import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Agent, request } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { connect, type SecureVersion, type TLSSocket } from 'node:tls';
import { issueClientCertificate, parseAuthority } from '../../src/control-plane/pki/certificates.ts';
import { heartbeatBody, startHarness, type ClientCredentials, type Harness } from '../helpers/control-plane.ts';
import { waitFor } from '../helpers/wait-for.ts';

let h: Harness;
let tls: ClientCredentials;
before(async () => {
  // Two listeners on one port, as the desktop app runs it (loopback and the Docker bridge).
  h = await startHarness({ dpListen: [{ host: '127.0.0.1', port: 0 }, { host: '127.0.0.2', port: 0 }] });
  const creds = await h.client.gatewayCertificate(h.cp.clusterId);
  tls = { cert: creds.certificate, key: creds.private_key, ca: h.caPem, servername: h.cp.domain };
});
after(async () => {
  await h?.cleanup();
});

interface Answer {
  status: number;
  socket: TLSSocket;
  reusedSocket: boolean;
}

function heartbeat(agent: Agent, id: string, host = '127.0.0.1'): Promise<Answer> {
  const u = new URL(h.cp.dataPlaneUrl);
  return new Promise((resolve, reject) => {
    const req = request(
      { hostname: host, port: u.port, method: 'POST', path: '/api/v1/dp/instance/heartbeat', agent, headers: { 'content-type': 'application/json', 'x-apiseven-instance-id': id } },
      (res: IncomingMessage) => {
        // Taken now: the agent detaches a kept-alive socket from the response once it ends.
        const socket = res.socket as TLSSocket;
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, socket, reusedSocket: req.reusedSocket }));
      },
    );
    req.on('error', reject);
    req.end(heartbeatBody(id));
  });
}

test('a second heartbeat on a kept-alive connection reuses the socket: no second handshake', async () => {
  const agent = new Agent({ keepAlive: true, maxSockets: 1, ...tls });
  try {
    const first = await heartbeat(agent, 'kept-alive');
    const second = await heartbeat(agent, 'kept-alive');
    assert.equal(first.status, 200);
    assert.equal(second.status, 200);
    assert.equal(first.reusedSocket, false);
    assert.equal(second.reusedSocket, true);
    assert.equal(second.socket, first.socket);
    // The server did not ask to close it either.
    assert.equal(second.socket.destroyed, false);
  } finally {
    agent.destroy();
  }
});

for (const version of ['TLSv1.2', 'TLSv1.3'] as SecureVersion[]) {
  test(`a reconnect resumes the TLS session (${version}) and is served as the same certificate`, async () => {
    // No keep-alive: every request opens a connection, as after an idle close; the agent offers the session.
    const agent = new Agent({ keepAlive: false, ...tls, minVersion: version, maxVersion: version });
    try {
      const first = await heartbeat(agent, `resumed-${version}`);
      assert.equal(first.status, 200);
      assert.equal(first.socket.isSessionReused(), false);
      const second = await heartbeat(agent, `resumed-${version}`);
      assert.equal(second.status, 200, 'the control plane still knows the peer certificate');
      assert.equal(second.reusedSocket, false, 'a new connection');
      assert.equal(second.socket.isSessionReused(), true, 'an abbreviated handshake');
    } finally {
      agent.destroy();
    }
  });
}

/** A raw TLS connection, once the handshake is done; `session` resolves when its ticket arrives. */
function handshake(host: string, offered?: Buffer): Promise<{ socket: TLSSocket; session: Promise<Buffer> }> {
  const u = new URL(h.cp.dataPlaneUrl);
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port: Number(u.port), ...tls, ...(offered ? { session: offered } : {}) });
    const session = new Promise<Buffer>((got) => socket.once('session', got));
    socket.once('secureConnect', () => resolve({ socket, session }));
    socket.once('error', reject);
  });
}

test('every listener shares the ticket keys, so a session from one address resumes on another', async () => {
  const a = await handshake('127.0.0.1');
  const ticket = await a.session;
  a.socket.destroy();
  const b = await handshake('127.0.0.2', ticket);
  try {
    assert.equal(b.socket.isSessionReused(), true);
  } finally {
    b.socket.destroy();
  }
});

test('a resumed session of a revoked certificate is refused, as a full handshake would be', async () => {
  const creds = await h.client.gatewayCertificate(h.cp.clusterId);
  const own = { cert: creds.certificate, key: creds.private_key, ca: h.caPem, servername: h.cp.domain };
  const agent = new Agent({ keepAlive: false, ...own });
  try {
    assert.equal((await heartbeat(agent, 'soon-revoked')).status, 200);
    const serial = new X509Certificate(creds.certificate).serialNumber;
    const res = await fetch(`${h.cp.apiUrl}/api/v1/clusters/${h.cp.clusterId}/gateway_certificate/${serial}`, { method: 'DELETE', headers: { authorization: `Bearer ${h.token}` } });
    assert.equal(res.status, 200);
    await assert.rejects(heartbeat(agent, 'soon-revoked'), /socket hang up|ECONNRESET/);
  } finally {
    agent.destroy();
  }
});

test('a connection (or resumed session) outliving its certificate is refused from the next request on', async () => {
  const ca = parseAuthority(await readFile(join(h.dataDir, 'ca.crt'), 'utf8'), await readFile(join(h.dataDir, 'ca.key'), 'utf8'));
  const notAfter = new Date(Math.ceil(Date.now() / 1000) * 1000 + 3000);
  const cert = await issueClientCertificate(ca, { notBefore: new Date(Date.now() - 60_000), notAfter });
  const agent = new Agent({ keepAlive: true, maxSockets: 1, cert: cert.certPem, key: cert.keyPem, ca: h.caPem, servername: h.cp.domain });
  try {
    const first = await heartbeat(agent, 'short-lived');
    assert.equal(first.status, 200);
    await waitFor(() => Date.now() > notAfter.getTime() + 500, { what: 'the certificate to expire', timeoutMs: 10_000 });
    await assert.rejects(heartbeat(agent, 'short-lived'), /socket hang up|ECONNRESET/);
  } finally {
    agent.destroy();
  }
});
