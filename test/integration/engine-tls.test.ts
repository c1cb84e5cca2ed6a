/**
 * tcp:// with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH, end to end: a mutual-TLS listener on 127.0.0.1 in
 * front of the real daemon's socket (as `dockerd --tlsverify` would be), with certificates made by openssl.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type TLSSocket } from 'node:tls';
import { promisify } from 'node:util';
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createDockerClient, pingEngine } from '../../src/core/engine/client.ts';
import { discoverEndpoint, realFileProbe } from '../../src/core/engine/discovery.ts';
import { EngineConfigError, EngineUnavailableError } from '../../src/core/engine/errors.ts';
import { TEST_DOCKER_SOCKET, testDocker } from '../helpers/docker.ts';
import { splice } from '../helpers/splice.ts';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'gt-engine-tls-'));
let port = 0;
const open = new Set<Duplex>();
let server: ReturnType<typeof createServer> | undefined;

async function openssl(args: string[]): Promise<void> {
  await run('openssl', args, { cwd: dir });
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate, as `docker` expects them. */
async function makeCertificates(): Promise<void> {
  await openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca-key.pem', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=gt-test-ca']);
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  writeFileSync(join(dir, 'client.ext'), 'extendedKeyUsage=clientAuth\n');
  for (const [name, ext, cn] of [['server', 'server.ext', '127.0.0.1'], ['client', 'client.ext', 'gt-test-client']] as const) {
    await openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}-key.pem`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`]);
    await openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-out', `${name}-cert.pem`, '-days', '1', '-extfile', ext]);
  }
  // DOCKER_CERT_PATH layout: ca.pem, cert.pem, key.pem.
  const certPath = join(dir, 'client');
  mkdirSync(certPath);
  copyFileSync(join(dir, 'ca.pem'), join(certPath, 'ca.pem'));
  copyFileSync(join(dir, 'client-cert.pem'), join(certPath, 'cert.pem'));
  copyFileSync(join(dir, 'client-key.pem'), join(certPath, 'key.pem'));
  // A second CA that signed nothing here, to check that verification is really on.
  mkdirSync(join(dir, 'wrong-ca'));
  await openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'wrong-ca/ca-key.pem', '-out', 'wrong-ca/ca.pem', '-days', '1', '-subj', '/CN=other-ca']);
  copyFileSync(join(dir, 'client-cert.pem'), join(dir, 'wrong-ca', 'cert.pem'));
  copyFileSync(join(dir, 'client-key.pem'), join(dir, 'wrong-ca', 'key.pem'));
}

before(async () => {
  await testDocker();
  await makeCertificates();
  server = createServer(
    {
      key: readFileSync(join(dir, 'server-key.pem')),
      cert: readFileSync(join(dir, 'server-cert.pem')),
      ca: readFileSync(join(dir, 'ca.pem')),
      requestCert: true,
      rejectUnauthorized: true,
    },
    (tlsSocket: TLSSocket) => {
      splice(tlsSocket, connect(TEST_DOCKER_SOCKET), open);
    },
  );
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});

after(async () => {
  for (const s of open) s.destroy();
  if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

function discover(env: Record<string, string>) {
  return discoverEndpoint({ env, home: dir, platform: 'linux', fs: realFileProbe });
}

test('DOCKER_HOST tcp:// with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH reaches the daemon over mutual TLS', async () => {
  const { endpoint, reason } = discover({ DOCKER_HOST: `tcp://127.0.0.1:${port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: join(dir, 'client') });
  assert.equal(reason, 'DOCKER_HOST');
  assert.deepEqual(endpoint.protocol === 'tcp' && endpoint.tls, { verify: true, certPath: join(dir, 'client') });
  const version = await pingEngine(createDockerClient(endpoint), endpoint);
  assert.equal(version.version, (await (await testDocker()).version()).Version);
});

test('a daemon certificate from another CA is refused, with a message about the certificates', async () => {
  const { endpoint } = discover({ DOCKER_HOST: `tcp://127.0.0.1:${port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: join(dir, 'wrong-ca') });
  await assert.rejects(pingEngine(createDockerClient(endpoint), endpoint), (err: unknown) => {
    assert.ok(err instanceof EngineUnavailableError, String(err));
    assert.match(err.message, new RegExp(`^The TLS connection to Docker at tcp://127.0.0.1:${port} failed .*check the certificates in DOCKER_CERT_PATH`));
    return true;
  });
});

test('plain HTTP to the TLS daemon fails quickly, and missing certificate files are a setup error', async () => {
  const plain = discover({ DOCKER_HOST: `tcp://127.0.0.1:${port}` }).endpoint;
  const start = Date.now();
  await assert.rejects(pingEngine(createDockerClient(plain), plain), EngineUnavailableError);
  assert.ok(Date.now() - start < 4000);
  const missing = discover({ DOCKER_HOST: `tcp://127.0.0.1:${port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: join(dir, 'nowhere') }).endpoint;
  assert.throws(() => createDockerClient(missing), (err: unknown) => err instanceof EngineConfigError && /Cannot read ca\.pem in .*nowhere/.test(err.message));
});
