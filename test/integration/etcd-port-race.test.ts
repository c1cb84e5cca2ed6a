import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alive } from '../../src/core/gateway/background-process.ts';
import { ensureLocalEtcd, etcdHealthy, findEtcdBinary } from '../../src/core/gateway/etcd-process.ts';
import { readEtcdRecord } from '../../src/core/gateway/etcd-record.ts';
import { GatewayError } from '../../src/core/gateway/errors.ts';
import { freePort } from '../helpers/etcd.ts';

const REAL_ETCD = findEtcdBinary({ PATH: '/usr/bin:/bin:/usr/local/bin' });
const dirs: string[] = [];
const pids: number[] = [];
after(async () => {
  for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

/**
 * An `etcd` on PATH that reproduces the race on demand: a port that was free when it was chosen is taken
 * in the instant before etcd binds it. It takes etcd's client port itself, then runs the real etcd, which
 * fails with its own "bind: address already in use", and lets the port go when etcd has exited. After
 * `times` such starts it replaces itself with the real etcd, so the next start is etcd's own process.
 */
function portSnatchingEtcd(dir: string, times: number): string {
  const bin = join(dir, 'bin');
  const script = join(bin, 'etcd');
  const count = join(dir, 'snatched');
  mkdirSync(bin);
  writeFileSync(
    script,
    `#!${process.execPath}
const fs = require('node:fs');
const net = require('node:net');
const { spawn } = require('node:child_process');
const args = process.argv.slice(2);
const port = Number(new URL(args[args.indexOf('--listen-client-urls') + 1]).port);
const done = fs.existsSync(${JSON.stringify(count)}) ? Number(fs.readFileSync(${JSON.stringify(count)}, 'utf8')) : 0;
fs.writeFileSync(${JSON.stringify(count)}, String(done + 1));
if (done + 1 >= ${times}) { fs.unlinkSync(__filename); fs.symlinkSync(${JSON.stringify(REAL_ETCD)}, __filename); }
const holder = net.createServer().listen(port, '127.0.0.1', () => {
  spawn(${JSON.stringify(REAL_ETCD)}, args, { stdio: 'inherit' }).on('exit', (code) => holder.close(() => process.exit(code ?? 1)));
});
`,
  );
  chmodSync(script, 0o755);
  return bin;
}

test('a port taken from under etcd as it starts: etcd is started again on another port, and says so', { skip: !REAL_ETCD && 'no etcd on this machine', timeout: 120_000 }, async () => {
  const home = await mkdtemp(join(tmpdir(), 'gt-etcd-race-'));
  dirs.push(home);
  const port = await freePort();
  const bin = portSnatchingEtcd(home, 1);
  const logs: string[] = [];
  const etcd = await ensureLocalEtcd(home, { PATH: `${bin}:/usr/bin:/bin`, GATEWAY_TRAY_ETCD_PORT: String(port) }, { log: (l) => logs.push(l) });
  if (etcd.pid) pids.push(etcd.pid);
  assert.equal(etcd.started, true);
  const now = Number(new URL(etcd.url).port);
  assert.notEqual(now, port, 'not the port that was taken');
  assert.ok(logs.some((l) => l === `etcd's port ${port} was taken by another process as etcd started; starting it on another port.`), logs.join('\n'));
  assert.equal(await etcdHealthy(etcd.url, 3000, etcd.tls), true);
  assert.deepEqual(readEtcdRecord(home), { url: etcd.url, pid: etcd.pid });
});

test('a port taken at every start: it gives up after 3 tries and says which port, leaving no etcd and no record', { skip: !REAL_ETCD && 'no etcd on this machine', timeout: 120_000 }, async () => {
  const home = await mkdtemp(join(tmpdir(), 'gt-etcd-race-'));
  dirs.push(home);
  const port = await freePort();
  const bin = portSnatchingEtcd(home, 99);
  await assert.rejects(ensureLocalEtcd(home, { PATH: `${bin}:/usr/bin:/bin`, GATEWAY_TRAY_ETCD_PORT: String(port) }), (err: unknown) => {
    assert.ok(err instanceof GatewayError);
    assert.match(err.message, /etcd \(.*\) could not start: port \d+ on 127\.0\.0\.1 was taken as it started, 3 times on different ports\. Details in .*etcd\.log\./);
    return true;
  });
  assert.equal(readEtcdRecord(home), undefined);
});
