/**
 * `gateway-tray status --watch` started while Docker is away: it says so, keeps running (every timer of
 * the watcher is unref'd, so nothing else holds the process open), and resumes when Docker appears.
 * Docker "appears" as a symlink to the real daemon's socket at the DOCKER_HOST path, so the shared
 * daemon itself is never touched. One-shot `status` exits non-zero outside Healthy.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_DOCKER_SOCKET } from '../helpers/docker.ts';
import { waitFor } from '../helpers/wait-for.ts';
import { CLI_ARGS } from '../helpers/cli-process.ts';

const dir = mkdtempSync(join(tmpdir(), 'gt-watch-'));
const socket = join(dir, 'docker.sock');
const env = { ...process.env, GATEWAY_TRAY_HOME: join(dir, 'home'), DOCKER_HOST: `unix://${socket}` };
let child: ChildProcess | undefined;

after(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function once(args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [...CLI_ARGS, ...args], { env, timeout: 60_000 }, (err, stdout) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout }),
    );
  });
}

test('status exits with the engine-unavailable code while Docker is away', async () => {
  const r = await once(['status', '--json']);
  assert.equal(r.code, 10, r.stdout);
  assert.equal((JSON.parse(r.stdout) as { reasons: Array<{ reason?: string }> }).reasons[0]?.reason, 'engine-unavailable');
});

test('status --watch started while Docker is away waits, says so, and resumes when Docker appears', async () => {
  child = spawn(process.execPath, [...CLI_ARGS, 'status', '--watch', '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
  const states = () => out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { state: string; engine: { ready: boolean }; reasons: Array<{ code: string }> });
  await waitFor(() => states().some((s) => !s.engine.ready), { timeoutMs: 30_000, what: `a status with Docker away (${out}${err})` });
  await waitFor(() => /Docker is not available; still watching/.test(err), { timeoutMs: 5_000, what: `the notice (${err})` });
  assert.equal(child.exitCode, null, 'still running');

  symlinkSync(TEST_DOCKER_SOCKET, socket);
  // Docker back, it may first say that it looks for the container ('starting', code 'checking'), then what it found.
  const looking = (s: ReturnType<typeof states>[number]) => s.state === 'starting' && s.reasons[0]?.code === 'checking';
  await waitFor(() => states().some((s) => s.engine.ready && !looking(s)), { timeoutMs: 30_000, what: `a status with Docker back (${out})` });
  const back = states().filter((s) => s.engine.ready && !looking(s));
  assert.deepEqual([...new Set(back.map((s) => s.state))], ['stopped'], 'a fresh home has no gateway');
  assert.match(err, /Docker is back; watching the gateway again/);
  assert.equal(child.exitCode, null, 'still running');

  child.kill('SIGINT');
  assert.equal(await exited, 0, 'Ctrl-C ends it cleanly');
});
