import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkEngineNow, engineFixHint } from '../../src/core/app/engine-check.ts';
import { DockerEngine } from '../../src/core/engine/engine.ts';

const dir = mkdtempSync(join(tmpdir(), 'gt-nodocker-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('the fix hint fits the platform and the failure', () => {
  assert.match(engineFixHint('connect ENOENT /var/run/docker.sock', 'linux', 'unix:///var/run/docker.sock'), /systemctl start docker.*Tried: unix:\/\/\/var\/run\/docker.sock/);
  assert.match(engineFixHint('connect EACCES /var/run/docker.sock', 'linux', 'unix:///var/run/docker.sock'), /usermod -aG docker/);
  assert.match(engineFixHint('connect ENOENT', 'darwin', 'unix:///x'), /Docker Desktop.*Colima/);
  assert.match(engineFixHint('connect ENOENT', 'win32', 'npipe:////./pipe/docker_engine'), /Start Docker Desktop/);
});

test('a socket where no engine listens fails with what was tried, why, and how to fix it', async () => {
  const socketPath = join(dir, 'docker.sock');
  const engine = new DockerEngine({ protocol: 'unix', url: `unix://${socketPath}`, socketPath }, 'DOCKER_HOST');
  const check = await checkEngineNow(engine, { endpoint: engine.endpoint, source: 'DOCKER_HOST', reason: 'DOCKER_HOST', notes: [] }, 'linux');
  assert.equal(check.ok, false);
  assert.equal(check.endpoint, `unix://${socketPath}`);
  assert.equal(check.reason, 'DOCKER_HOST');
  assert.ok(check.problem && check.problem.length > 0);
  assert.match(check.fixHint ?? '', /Start the Docker daemon/);
});
