import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { alive } from '../../src/core/gateway/background-process.ts';
import { readBackgroundRecord } from '../../src/core/gateway/background-record.ts';
import { readRememberedPorts, rememberPorts } from '../../src/core/gateway/control-plane-ports.ts';
import { freePort } from '../helpers/etcd.ts';
import { occupyPort } from '../helpers/free-port.ts';
import { readEtcdRecord } from '../../src/core/gateway/etcd-record.ts';
import { GatewayError } from '../../src/core/gateway/errors.ts';
import { ensureLocalControlPlane } from '../../src/core/gateway/local-control-plane.ts';
import { CLI_ARGS, runCliProcess } from '../helpers/cli-process.ts';

const run = promisify(execFile);
const CLI = [process.execPath, ...CLI_ARGS];

let home: string;
let env: NodeJS.ProcessEnv;
before(async () => {
  home = await mkdtemp(join(tmpdir(), 'gt-bg-'));
  env = { ...process.env, GATEWAY_TRAY_HOME: home, PATH: `/usr/bin:/bin:${process.env.PATH ?? ''}` };
  // Ports of this home chosen up front: 7080 and 7443 are anyone's on a shared machine.
  mkdirSync(join(home, 'control-plane'), { recursive: true, mode: 0o700 });
  rememberPorts(join(home, 'control-plane'), { apiPort: await freePort(), dpPort: await freePort() });
});
after(async () => {
  // Whatever a failed test left: stopped by the CLI itself, which stops by pid.
  await run(CLI[0] as string, [...CLI.slice(1), 'control-plane', 'stop'], { env }).catch(() => undefined);
  await rm(home, { recursive: true, force: true });
});

/** The etcd processes serving this home's data folder, from /proc. */
function etcdPidsOfHome(): number[] {
  const data = join(home, 'etcd', 'data');
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').includes(data);
      } catch {
        return false;
      }
    })
    .map(Number);
}

const cli = (...args: string[]) => runCliProcess(env, ...args);

test('two launches at once on a fresh home: one starts etcd and the control plane, the other waits and uses them', { timeout: 180_000 }, async () => {
  const logs: string[][] = [[], []];
  const [a, b] = await Promise.all(
    [0, 1].map((i) => ensureLocalControlPlane({ home, cliCommand: CLI, env, log: (l) => logs[i]?.push(l), timeoutMs: 60_000 })),
  );
  assert.ok(a && b);
  assert.equal(a.info.apiUrl, b.info.apiUrl);
  assert.deepEqual([a.started, b.started].sort(), [false, true], 'exactly one started it');
  const loser = a.started ? logs[1] : logs[0];
  assert.match((loser ?? []).join('\n'), /Another launch on this home started the control plane meanwhile/);
  assert.equal(etcdPidsOfHome().length, 1, 'one etcd for the home');
  const record = readEtcdRecord(home);
  assert.ok(record && 'pid' in record && alive(record.pid), 'the pid file names the live etcd');
  assert.equal(existsSync(join(home, 'control-plane', 'start.lock')), false, 'the lock is released');
});

test('status names pid, ports, uptime, health and etcd; exit 0 while it runs', { timeout: 60_000 }, async () => {
  const st = await cli('control-plane', 'status');
  assert.equal(st.code, 0, st.stderr);
  const bg = readBackgroundRecord(home);
  assert.ok(bg);
  assert.match(st.stdout, new RegExp(`Control plane: running \\(pid ${bg.pid}, started in the background by 'launch'\\)`));
  assert.match(st.stdout, new RegExp(`management API  http://127\\.0\\.0\\.1:${bg.apiPort}`));
  assert.match(st.stdout, new RegExp(`data plane      https://127\\.0\\.0\\.1:${bg.dpPort}`));
  assert.match(st.stdout, /uptime {10}\d+[smhd]/);
  assert.match(st.stdout, /etcd: healthy at https:\/\/127\.0\.0\.1:\d+ \(pid \d+, stopped with the control plane\)/);
  const json = JSON.parse((await cli('control-plane', 'status', '--json')).stdout) as { kind: string; healthy: boolean; pid: number };
  assert.deepEqual([json.kind, json.healthy, json.pid], ['background', true, bg.pid]);
  assert.deepEqual(readRememberedPorts(join(home, 'control-plane')), { apiPort: bg.apiPort, dpPort: bg.dpPort });
  // Its node runs with the young generation a busy control plane needs (local-control-plane.ts).
  const environ = readFileSync(`/proc/${bg.pid}/environ`, 'utf8').split('\0');
  assert.ok(environ.some((e) => e.startsWith('NODE_OPTIONS=') && e.includes('--max-semi-space-size=64')), 'NODE_OPTIONS of the control plane');
});

test('stop ends the control plane and the etcd it started, by pid, and says so; status then exits 3', { timeout: 60_000 }, async () => {
  const bg = readBackgroundRecord(home);
  assert.ok(bg?.etcd?.pid);
  const stop = await cli('control-plane', 'stop');
  assert.equal(stop.code, 0, stop.stderr);
  assert.match(stop.stdout, new RegExp(`Stopped the control plane \\(pid ${bg.pid}\\)\\.`));
  assert.match(stop.stdout, new RegExp(`Stopped the etcd it started \\(pid ${bg.etcd.pid}, https://`));
  assert.equal(alive(bg.pid), false);
  assert.equal(alive(bg.etcd.pid), false);
  assert.deepEqual(etcdPidsOfHome(), []);
  const st = await cli('control-plane', 'status');
  assert.equal(st.code, 3);
  assert.match(st.stdout, /No control plane runs for this home/);
  assert.equal((await cli('control-plane', 'stop')).code, 3, 'nothing left to stop');
});

test('a remembered port that stays taken: waited for, then given up for a free one that is remembered, naming the holder; the moves are returned', { timeout: 120_000 }, async () => {
  const ports = readRememberedPorts(join(home, 'control-plane'));
  assert.ok(ports);
  const squatter = await occupyPort(ports.dpPort);
  const logs: string[] = [];
  try {
    const moved = await ensureLocalControlPlane({ home, cliCommand: CLI, env, log: (l) => logs.push(l), portWaitMs: 2_000, timeoutMs: 60_000 });
    const newPort = Number(new URL(moved.info.dataPlaneUrl).port);
    assert.notEqual(newPort, ports.dpPort);
    assert.equal(Number(new URL(moved.info.apiUrl).port), ports.apiPort, 'only the taken port moves');
    assert.deepEqual(moved.moved, [{ role: 'data-plane endpoint', from: ports.dpPort, to: newPort, holder: moved.moved?.[0]?.holder }]);
    assert.match(moved.moved?.[0]?.holder ?? '', new RegExp(`^pid ${process.pid} \\(.*node`));
    const said = logs.join('\n');
    assert.match(said, new RegExp(`port ${ports.dpPort} is taken by pid ${process.pid} .*waiting up to 2 s`));
    assert.match(said, new RegExp(`port ${ports.dpPort} is still taken by pid ${process.pid} .* after 2 s; moving to a free port`));
    assert.match(said, new RegExp(`data-plane endpoint moved from port ${ports.dpPort} to ${newPort} \\(remembered in `));
    assert.match(said, /re-rendered and their container recreated when launched/);
    assert.deepEqual(readRememberedPorts(join(home, 'control-plane')), { apiPort: ports.apiPort, dpPort: newPort });
    assert.equal(readBackgroundRecord(home)?.dpPort, newPort);
  } finally {
    await squatter.close();
    await cli('control-plane', 'stop');
  }
});

test('a remembered port freed while it is waited for (the old control plane exiting) is kept', { timeout: 120_000 }, async () => {
  const ports = readRememberedPorts(join(home, 'control-plane'));
  assert.ok(ports);
  const squatter = await occupyPort(ports.dpPort);
  const logs: string[] = [];
  const again = await ensureLocalControlPlane({
    home,
    cliCommand: CLI,
    env,
    timeoutMs: 60_000,
    portWaitMs: 30_000,
    log: (l) => {
      logs.push(l);
      if (/waiting up to 30 s/.test(l)) void squatter.close();
    },
  });
  assert.equal(again.started, true);
  assert.equal(again.moved, undefined);
  assert.equal(Number(new URL(again.info.dataPlaneUrl).port), ports.dpPort);
  assert.equal(Number(new URL(again.info.apiUrl).port), ports.apiPort);
  assert.ok(!logs.some((l) => /moving to a free port/.test(l)));
  assert.equal((await cli('control-plane', 'stop')).code, 0);
});

test('a background control plane that fails to start leaves no fresh etcd running, and its error names the damaged file', { timeout: 120_000 }, async () => {
  const caFile = join(home, 'control-plane', 'ca.crt');
  const original = readFileSync(caFile, 'utf8');
  writeFileSync(caFile, 'garbage\n');
  const logs: string[] = [];
  try {
    await assert.rejects(ensureLocalControlPlane({ home, cliCommand: CLI, env, log: (l) => logs.push(l), timeoutMs: 60_000 }), (err: unknown) => {
      assert.ok(err instanceof GatewayError);
      assert.match(err.message, /The local control plane did not start/);
      assert.match(err.message, /ca\.crt in .*control-plane is not a PEM certificate/);
      return true;
    });
    assert.match(logs.join('\n'), /Stopped the etcd started for it \(pid \d+\)/);
    assert.deepEqual(etcdPidsOfHome(), []);
    assert.equal(readEtcdRecord(home), undefined);
  } finally {
    writeFileSync(caFile, original);
  }
});
