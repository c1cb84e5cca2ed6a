/**
 * `gateway-tray profiles set-token`, as a user runs it (real CLI processes), against the real control
 * plane used as a cloud one: after the secrets file is damaged, and after the token is revoked, doctor
 * names the problem and the command that fixes it, and set-token fixes it without touching the profile.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHarness, type Harness } from '../helpers/control-plane.ts';
import { freePort } from '../helpers/docker.ts';
import { CLI_ARGS } from '../helpers/cli-process.ts';

let h: Harness;
let home: string;

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], stdin = ''): Promise<Ran> {
  return new Promise((resolve) => {
    // No session bus: the home's store is the encrypted file, as on a headless machine.
    const env = { PATH: process.env.PATH, HOME: home, GATEWAY_TRAY_HOME: home, DOCKER_HOST: 'unix:///nonexistent.sock' };
    const child = execFile(process.execPath, [...CLI_ARGS, ...args], { env, timeout: 60_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
    child.stdin?.end(stdin);
  });
}

async function controlPlaneCheck(): Promise<{ status: string; detail: string; fix?: string }> {
  const out = JSON.parse((await cli(['doctor', '--json', '-p', 'team'])).stdout) as { checks: Array<{ id: string; status: string; detail: string; fix?: string }> };
  return out.checks.find((c) => c.id === 'control-plane')!;
}

before(async () => {
  // A fixed API port, so the profile's URL still points at the control plane after its restart.
  h = await startHarness({ apiListen: { host: '127.0.0.1', port: await freePort() } });
  home = await mkdtemp(join(tmpdir(), 'gt-set-token-'));
});
after(async () => {
  await h?.cleanup();
  await rm(home, { recursive: true, force: true });
});

test('after the secrets file is damaged, doctor says to set the token again, and set-token does it', async () => {
  const added = await cli(['profiles', 'add', 'team', '--cloud', '--url', h.cp.apiUrl, '--token-stdin', '--http-port', '19080', '--https-port', '19443', '--control-port', '19090', '--prometheus-port', '19091'], `${h.token}\n`);
  assert.equal(added.code, 0, added.stderr);
  const settingsBefore = readFileSync(join(home, 'settings.json'), 'utf8');
  writeFileSync(join(home, 'secrets.enc.json'), 'garbage');

  const lost = await controlPlaneCheck();
  assert.equal(lost.status, 'fail');
  assert.match(lost.detail, /profile "team" has no token stored/);
  assert.match(lost.fix ?? '', /gateway-tray profiles set-token team --token-stdin/);

  const set = await cli(['profiles', 'set-token', 'team', '--token-stdin'], `${h.token}\n`);
  assert.equal(set.code, 0, set.stderr);
  assert.match(set.stdout, /The token of profile "team" was replaced/);
  assert.equal((await controlPlaneCheck()).status, 'ok');
  assert.equal(readFileSync(join(home, 'settings.json'), 'utf8'), settingsBefore, 'the profile itself is untouched');
});

test('a revoked token: doctor names it and the way out; a wrong new token is refused and changes nothing', async () => {
  // A new admin token revokes the old one: what an administrator's rotation looks like.
  const old = h.token;
  rmSync(h.cp.tokenFile, { force: true });
  await h.restart();
  assert.notEqual(h.token, old);
  const revoked = await controlPlaneCheck();
  assert.equal(revoked.status, 'fail');
  assert.match(revoked.detail, /refused this profile's token \(revoked or expired\)/);
  assert.match(revoked.fix ?? '', /gateway-tray profiles set-token team --token-stdin/);

  const wrong = await cli(['profiles', 'set-token', 'team', '--token-stdin'], 'not-a-token\n');
  assert.ok(wrong.code !== 0 && wrong.code !== 2, `a failure, not a usage error (exit ${wrong.code})`);
  assert.match(wrong.stderr, /did not accept the token/);
  assert.match((await controlPlaneCheck()).detail, /refused this profile's token/);

  const fixed = await cli(['profiles', 'set-token', 'team', '--token-stdin'], `${h.token}\n`);
  assert.equal(fixed.code, 0, fixed.stderr);
  assert.equal((await controlPlaneCheck()).status, 'ok');
});

test('set-token refuses a token flag, a local profile, an unknown profile and an empty stdin', async () => {
  assert.match((await cli(['profiles', 'set-token', 'team', '--token', 'x'])).stderr, /never pass a token as a flag/);
  const local = await cli(['profiles', 'set-token', 'local', '--token-stdin'], 'x\n');
  assert.equal(local.code, 2);
  assert.match(local.stderr, /embedded local control plane, which needs no token/);
  assert.match((await cli(['profiles', 'set-token', 'nope', '--token-stdin'], 'x\n')).stderr, /There is no profile named "nope"/);
  const empty = await cli(['profiles', 'set-token', 'team', '--token-stdin'], '');
  assert.equal(empty.code, 2);
  assert.match(empty.stderr, /no token arrived on stdin/);
});
