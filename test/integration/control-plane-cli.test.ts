import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startEtcd, freePort, type RunningEtcd } from '../helpers/etcd.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { dpRequest } from '../helpers/control-plane.ts';
import { request } from 'node:https';
import { CLI_ARGS } from '../helpers/cli-process.ts';

const run = promisify(execFile);

let etcd: RunningEtcd;
let home: string;
before(async () => {
  etcd = await startEtcd();
  home = await mkdtemp(join(tmpdir(), 'gt-cli-'));
});
after(async () => {
  await etcd?.stop();
  await rm(home, { recursive: true, force: true });
});

interface Cli {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

function startCli(args: string[]): Cli {
  const child = spawn(process.execPath, [...CLI_ARGS, 'control-plane', ...args], {
    env: { ...process.env, GATEWAY_TRAY_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exit };
}

async function expectFailure(args: string[], code: number, message: RegExp) {
  const cli = startCli(args);
  const timer = setTimeout(() => cli.child.kill('SIGKILL'), 30_000);
  const exit = await cli.exit;
  clearTimeout(timer);
  assert.equal(exit, code, cli.stderr());
  assert.match(cli.stderr(), message);
}

test('an outside client can do everything the issue asks against `gateway-tray control-plane`', async () => {
  const dataDir = join(home, 'cp');
  const cli = startCli(['--data-dir', dataDir, '--api-listen', '127.0.0.1:0', '--dp-listen', '127.0.0.1:0', '--etcd', etcd.url, '--lost-after', '3s', '--offline-after', '1h']);
  try {
    await waitFor(() => cli.stdout().includes('ready'), { what: 'the ready line', timeoutMs: 30_000 }).catch((err: Error) => {
      throw new Error(`${err.message}\nstderr: ${cli.stderr()}`);
    });
    assert.equal(cli.stdout().trim().split('\n').length, 1, 'one line on stdout');
    const info = JSON.parse(await readFile(join(dataDir, 'control-plane.json'), 'utf8')) as Record<string, string>;
    assert.deepEqual(Object.keys(info).sort(), ['apiUrl', 'caFile', 'clusterId', 'dataPlaneUrl', 'domain', 'orgId', 'tokenFile']);
    assert.equal((await stat(info.tokenFile ?? '')).mode & 0o777, 0o600);
    const token = (await readFile(info.tokenFile ?? '', 'utf8')).trim();
    const api = (path: string, init: RequestInit = {}) =>
      fetch(`${info.apiUrl}/api/v1${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } }).then((r) => r.json() as Promise<{ status: { code: number }; payload: Record<string, unknown> }>);

    // 1. Authenticate.
    const me = await api('/user/me');
    assert.equal(me.status.code, 0);
    assert.deepEqual(me.payload.org_ids, [info.orgId]);

    // 2. A certificate that `openssl verify` accepts against the CA file.
    const cert = (await api(`/clusters/${info.clusterId}/gateway_certificate?instance_id=outside-1`)).payload as { certificate: string; private_key: string };
    const certFile = join(home, 'tls.crt');
    const keyFile = join(home, 'tls.key');
    await writeFile(certFile, cert.certificate);
    await writeFile(keyFile, cert.private_key, { mode: 0o600 });
    const verified = await run('openssl', ['verify', '-CAfile', info.caFile ?? '', certFile]);
    assert.match(verified.stdout, /: OK/);

    // 3. Refused without a client certificate (curl, an outside client).
    const dp = new URL(info.dataPlaneUrl ?? '');
    const resolve = `${info.domain}:${dp.port}:127.0.0.1`;
    const base = `https://${info.domain}:${dp.port}`;
    const heartbeat = JSON.stringify({ id: 'outside-1', hostname: 'curl', ip: '127.0.0.1', version: 'APISIX/3.13.0', etcd_reachable: true, api_calls: 1 });
    const noCert = await run('curl', ['-sS', '--max-time', '10', '--resolve', resolve, '--cacert', info.caFile ?? '', '-X', 'POST', '-d', heartbeat, `${base}/api/v1/dp/instance/heartbeat`]).then(
      () => 'answered',
      (err: { code?: number; stderr?: string }) => `refused (${err.code}) ${err.stderr ?? ''}`,
    );
    assert.match(noCert, /^refused/);

    // 4. Register a heartbeat; the instance is Healthy, then Lost Connection.
    const hb = await run('curl', ['-sS', '--max-time', '10', '--resolve', resolve, '--cacert', info.caFile ?? '', '--cert', certFile, '--key', keyFile, '-H', 'X-APISEVEN-Instance-Id: outside-1', '-H', 'content-type: application/json', '-X', 'POST', '-d', heartbeat, `${base}/api/v1/dp/instance/heartbeat`]);
    assert.equal((JSON.parse(hb.stdout) as { status: { code: number } }).status.code, 0);
    const inst = await api(`/clusters/${info.clusterId}/instances/outside-1`);
    assert.equal(inst.payload.status, 'Healthy');
    await waitFor(async () => (await api(`/clusters/${info.clusterId}/instances/outside-1`)).payload.status === 'Lost Connection', { what: 'Lost Connection', timeoutMs: 15_000 });

    // 5. Put a route and receive it on a watch through the data-plane endpoint.
    const tls = { cert: cert.certificate, key: cert.private_key, ca: await readFile(info.caFile ?? '', 'utf8'), servername: info.domain ?? '' };
    const version = await dpRequest(info.dataPlaneUrl ?? '', tls, { path: '/version' });
    assert.equal(version.status, 200);
    let streamed = '';
    const watch = request({ hostname: dp.hostname, port: dp.port, method: 'POST', path: '/v3/watch', agent: false, ...tls }, (res) => res.on('data', (c: Buffer) => (streamed += c.toString())));
    watch.on('error', () => undefined);
    watch.end(JSON.stringify({ create_request: { key: Buffer.from('/apisix/routes/').toString('base64'), range_end: Buffer.from('/apisix/routes0').toString('base64') } }));
    try {
      await waitFor(() => streamed.includes('"created":true'), { what: 'the watch to open' });
      const put = await api(`/clusters/${info.clusterId}/routes/from-outside`, { method: 'PUT', body: JSON.stringify({ uri: '/outside', upstream: { nodes: { '127.0.0.1:1980': 1 } } }) });
      assert.equal(put.status.code, 0);
      await waitFor(() => streamed.includes(Buffer.from('/apisix/routes/from-outside').toString('base64')), { what: 'the route on the watch' });
    } finally {
      watch.destroy();
    }

    // It stops cleanly on SIGTERM and takes its ready file with it.
    cli.child.kill('SIGTERM');
    assert.equal(await cli.exit, 0, cli.stderr());
    await assert.rejects(stat(join(dataDir, 'control-plane.json')), /ENOENT/);
  } finally {
    if (cli.child.exitCode === null) {
      cli.child.kill('SIGKILL');
      await cli.exit;
    }
  }
});

test('SIGINT stops it too, and a restart keeps the CA and the token', async () => {
  const dataDir = join(home, 'cp2');
  const args = ['--data-dir', dataDir, '--api-listen', '127.0.0.1:0', '--dp-listen', '127.0.0.1:0', '--etcd', etcd.url];
  const first = startCli(args);
  await waitFor(() => first.stdout().includes('ready'), { what: 'first start', timeoutMs: 30_000 });
  const ca = await readFile(join(dataDir, 'ca.crt'), 'utf8');
  const token = await readFile(join(dataDir, 'admin-token'), 'utf8');
  first.child.kill('SIGINT');
  assert.equal(await first.exit, 0);
  const second = startCli(args);
  try {
    await waitFor(() => second.stdout().includes('ready'), { what: 'second start', timeoutMs: 30_000 });
    assert.equal(await readFile(join(dataDir, 'ca.crt'), 'utf8'), ca);
    assert.equal(await readFile(join(dataDir, 'admin-token'), 'utf8'), token);
  } finally {
    second.child.kill('SIGTERM');
    await second.exit;
  }
});

test('the data folder defaults to $GATEWAY_TRAY_HOME/control-plane', async () => {
  const cli = startCli(['--api-listen', '127.0.0.1:0', '--dp-listen', '127.0.0.1:0', '--etcd', etcd.url]);
  try {
    await waitFor(() => cli.stdout().includes('ready'), { what: 'start', timeoutMs: 30_000 });
    assert.ok((await stat(join(home, 'control-plane', 'control-plane.json'))).isFile());
  } finally {
    cli.child.kill('SIGTERM');
    assert.equal(await cli.exit, 0);
  }
});

test('a port in use, an etcd that does not answer, and bad flags each fail clearly', async () => {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  const addr = blocker.address();
  const busy = typeof addr === 'object' && addr ? addr.port : 0;
  try {
    await expectFailure(['--data-dir', join(home, 'busy'), '--api-listen', `127.0.0.1:${busy}`, '--dp-listen', '127.0.0.1:0', '--etcd', etcd.url], 1, new RegExp(`Port ${busy} on 127\\.0\\.0\\.1 is in use`));
    await expectFailure(['--data-dir', join(home, 'busy'), '--dp-listen', `127.0.0.1:${busy}`, '--etcd', etcd.url], 1, /in use by another process; choose another port for the data-plane endpoint/);
  } finally {
    blocker.close();
  }
  const nobody = await freePort();
  await expectFailure(['--data-dir', join(home, 'noetcd'), '--etcd', `http://127.0.0.1:${nobody}`], 1, new RegExp(`etcd at http://127\\.0\\.0\\.1:${nobody} does not answer`));
  await expectFailure(['--nonsense'], 2, /nonsense/);
  await expectFailure(['--dp-listen', 'here'], 2, /--dp-listen expects HOST:PORT/);
});
