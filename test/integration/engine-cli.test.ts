import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../../src/cli/run-cli.ts';
import { captureIO } from '../helpers/capture-io.ts';
import { freePort, testDocker } from '../helpers/docker.ts';

test('gateway-tray engine names the endpoint, why it won, and the version of the real daemon', async () => {
  const docker = await testDocker();
  const version = (await docker.version()).Version;
  const io = captureIO({ ...process.env, DOCKER_HOST: 'unix:///var/run/docker.sock' });
  assert.equal(await runCli(['engine'], io), 0, io.stderr());
  assert.equal(io.stdout(), [
    'Endpoint: unix:///var/run/docker.sock',
    'Chosen:   DOCKER_HOST',
    `Engine:   Docker ${version} (API ${(await docker.version()).ApiVersion}, linux/${(await docker.version()).Arch})`,
  ].join('\n'));
});

test('--json reports the same, and --host beats DOCKER_HOST', async () => {
  const io = captureIO({ ...process.env, DOCKER_HOST: 'unix:///tmp/nonexistent.sock' });
  assert.equal(await runCli(['engine', '--host', 'unix:///var/run/docker.sock', '--json'], io), 0, io.stderr());
  const report = JSON.parse(io.stdout()) as Record<string, unknown>;
  assert.equal(report.endpoint, 'unix:///var/run/docker.sock');
  assert.equal(report.source, 'setting');
  assert.equal(report.reason, '--host');
  assert.equal(report.status, 'ready');
  assert.match(String((report.engine as { version: string }).version), /^\d+\.\d+/);
});

test('an engine that does not answer exits 1 with why, quickly', async () => {
  const port = await freePort();
  const io = captureIO(process.env);
  const start = Date.now();
  assert.equal(await runCli(['engine', '--host', `tcp://127.0.0.1:${port}`], io), 1);
  assert.ok(Date.now() - start < 3000);
  assert.match(io.stdout(), new RegExp(`Endpoint: tcp://127.0.0.1:${port}\nChosen:   --host`));
  assert.equal(io.stderr(), `Engine:   unavailable: Docker is not running at tcp://127.0.0.1:${port}: start Docker (or Docker Desktop) and try again`);
  const json = captureIO(process.env);
  assert.equal(await runCli(['engine', '--host', 'unix:///tmp/nonexistent.sock', '--json'], json), 1);
  assert.deepEqual(JSON.parse(json.stdout()), {
    endpoint: 'unix:///tmp/nonexistent.sock',
    source: 'setting',
    reason: '--host',
    notes: [],
    status: 'unavailable',
    error: 'Docker is not running at unix:///tmp/nonexistent.sock: start Docker (or Docker Desktop) and try again',
  });
});

test('bad options exit 2', async () => {
  const io = captureIO(process.env);
  assert.equal(await runCli(['engine', '--bogus'], io), 2);
  const ssh = captureIO(process.env);
  assert.equal(await runCli(['engine', '--host', 'ssh://me@box'], ssh), 2);
  assert.match(ssh.stderr(), /ssh:\/\/.*not support/);
});
