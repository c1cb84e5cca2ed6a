import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:https';
import { startControlPlane } from '../../src/control-plane/index.ts';
import { EtcdClient } from '../../src/control-plane/etcd/client.ts';
import { createCertificateAuthority, issueNamedClientCertificate, validityFrom } from '../../src/control-plane/pki/certificates.ts';
import { CloudClient } from '../../src/core/cloud/client.ts';
import { alive } from '../../src/core/gateway/background-process.ts';
import { ensureLocalEtcd, etcdHealthy, stopLocalEtcd } from '../../src/core/gateway/etcd-process.ts';
import { readEtcdRecord, writeEtcdRecord } from '../../src/core/gateway/etcd-record.ts';
import { etcdTlsFiles } from '../../src/core/gateway/etcd-tls.ts';
import { GatewayError } from '../../src/core/gateway/errors.ts';
import { freePort } from '../helpers/etcd.ts';
import { waitFor } from '../helpers/wait-for.ts';

const ENV = { PATH: '/usr/bin:/bin' };
const homes: string[] = [];
const pids: number[] = [];
after(async () => {
  for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
  for (const h of homes) await rm(h, { recursive: true, force: true });
});
async function newHome(): Promise<string> {
  const h = await mkdtemp(join(tmpdir(), 'gt-etcd-tls-'));
  homes.push(h);
  return h;
}

/** Answers: the HTTP status, or the error a TLS handshake ended in. */
function tryRange(url: string, tls: { ca?: string; cert?: string; key?: string }): Promise<string> {
  return new Promise((resolve) => {
    const u = new URL(url);
    const req = request({ hostname: u.hostname, port: u.port, method: 'POST', path: '/v3/kv/range', agent: false, rejectUnauthorized: false, ...tls, timeout: 5000 }, (res) => {
      res.resume();
      resolve(`HTTP ${res.statusCode}`);
    });
    req.on('error', (err) => resolve(`error: ${err.message}`));
    req.end(JSON.stringify({ key: Buffer.from('/apisix/').toString('base64'), range_end: Buffer.from('/apisix0').toString('base64') }));
  });
}

test("the app's etcd speaks client-certificate TLS only, and the control plane works through it", { timeout: 120_000 }, async () => {
  const home = await newHome();
  const etcd = await ensureLocalEtcd(home, ENV);
  if (etcd.pid) pids.push(etcd.pid);
  try {
    assert.equal(etcd.started, true);
    assert.match(etcd.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const files = etcdTlsFiles(home);
    assert.equal((await stat(files.dir)).mode & 0o777, 0o700);
    for (const key of [files.caKey, files.etcdKey, files.clientKey]) assert.equal((await stat(key)).mode & 0o777, 0o600, key);

    assert.equal(await etcdHealthy(etcd.url, 3000, etcd.tls), true);
    assert.equal(await etcdHealthy(etcd.url.replace('https:', 'http:'), 3000), false, 'no plain HTTP');
    // Without a client certificate, or with one of another CA, etcd refuses at the handshake.
    assert.match(await tryRange(etcd.url, {}), /^error: /);
    const stranger = await createCertificateAuthority('stranger', validityFrom(new Date(), 3600_000));
    const strangerCert = await issueNamedClientCertificate(stranger, 'intruder', validityFrom(new Date(), 3600_000));
    assert.match(await tryRange(etcd.url, { cert: strangerCert.certPem, key: strangerCert.keyPem }), /^error: /);
    assert.equal(await tryRange(etcd.url, { ca: etcd.tls.ca, cert: etcd.tls.cert, key: etcd.tls.key }), 'HTTP 200');
    // The peer port is no way in either: etcd listens there with TLS and client certificates too.
    const args = (await readFile(`/proc/${etcd.pid}/cmdline`, 'utf8')).split('\0');
    const peer = args[args.indexOf('--listen-peer-urls') + 1] ?? '';
    assert.match(peer, /^https:/);
    assert.ok(args.includes('--peer-client-cert-auth'));

    const dataDir = join(home, 'control-plane');
    const cp = await startControlPlane({ dataDir, etcdUrl: etcd.url, etcdTls: etcd.tls, apiListen: { host: '127.0.0.1', port: 0 } });
    try {
      const token = (await readFile(cp.tokenFile, 'utf8')).trim();
      const client = new CloudClient({ baseUrl: cp.apiUrl, token });
      await client.putRoute(cp.clusterId, 'tls', { uri: '/tls', upstream: { nodes: { '127.0.0.1:1980': 1 } } });
      assert.equal((await client.route(cp.clusterId, 'tls')).uri, '/tls');
    } finally {
      await cp.stop();
    }
    const unauth = new EtcdClient(etcd.url.replace('https:', 'http:'), { timeoutMs: 2000 });
    await assert.rejects(unauth.get('/apisix/routes/tls'));
    unauth.close();

    // Adopted on the next call, with the same credentials.
    const again = await ensureLocalEtcd(home, ENV);
    assert.deepEqual([again.started, again.pid, again.url], [false, etcd.pid, etcd.url]);
  } finally {
    await stopLocalEtcd(home, etcd);
  }
  assert.equal(alive(etcd.pid ?? 0), false, 'stopped by its pid');
  assert.equal(readEtcdRecord(home), undefined, 'and its record is gone');
});

test('an older etcd of this home without TLS is stopped and replaced on the same data, saying so', { timeout: 120_000 }, async () => {
  const home = await newHome();
  const first = await ensureLocalEtcd(home, ENV);
  if (first.pid) pids.push(first.pid);
  await new EtcdClient(first.url, { tls: first.tls }).put('/apisix/routes/kept', '{"id":"kept"}');
  await stopLocalEtcd(home, first);
  // The same data folder served over plain HTTP, as releases before TLS ran it.
  const plainUrl = `http://127.0.0.1:${await freePort()}`;
  const peer = `http://127.0.0.1:${await freePort()}`;
  const old = spawn('/usr/bin/etcd', ['--name', 'gateway-tray', '--data-dir', join(home, 'etcd', 'data'), '--listen-client-urls', plainUrl, '--advertise-client-urls', plainUrl,
    '--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer, '--initial-cluster', `gateway-tray=${peer}`, '--log-level', 'error', '--logger', 'zap', '--force-new-cluster'], { stdio: 'ignore' });
  pids.push(old.pid ?? 0);
  await waitFor(() => etcdHealthy(plainUrl), { what: 'the plain etcd to answer', timeoutMs: 20_000 });
  writeEtcdRecord(home, { url: plainUrl, pid: old.pid ?? 0 });

  const lines: string[] = [];
  const next = await ensureLocalEtcd(home, ENV, { log: (l) => lines.push(l) });
  if (next.pid) pids.push(next.pid);
  try {
    assert.equal(alive(old.pid ?? 0), false, 'the old etcd is gone');
    assert.match(lines.join('\n'), /Stopping the app's earlier etcd \(pid \d+, http:.*without a certificate/);
    assert.match(next.url, /^https:/);
    assert.equal((await new EtcdClient(next.url, { tls: next.tls }).get('/apisix/routes/kept'))?.value, '{"id":"kept"}', 'its data is kept');
  } finally {
    await stopLocalEtcd(home, next);
  }
});

test('etcd on a full disk says "no space left on device (<its data folder>)", not a Go stack trace', { timeout: 120_000 }, async () => {
  const home = await newHome();
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', home]);
  try {
    await assert.rejects(ensureLocalEtcd(home, ENV, { timeoutMs: 20_000 }), (err: unknown) => {
      assert.ok(err instanceof GatewayError);
      assert.match(err.message, new RegExp(`no space left on device \\(${join(home, 'etcd', 'data').replace(/[/.]/g, '\\$&')}\\)`));
      assert.doesNotMatch(err.message, /goroutine|panic|\.go:\d+/);
      return true;
    });
    assert.equal(readEtcdRecord(home), undefined);
  } finally {
    execFileSync('umount', [home]);
  }
});
