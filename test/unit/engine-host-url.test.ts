import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHostUrl } from '../../src/core/engine/host-url.ts';
import { EngineConfigError } from '../../src/core/engine/errors.ts';

test('unix:// keeps the absolute socket path', () => {
  assert.deepEqual(parseHostUrl('unix:///var/run/docker.sock'), { protocol: 'unix', url: 'unix:///var/run/docker.sock', socketPath: '/var/run/docker.sock' });
  assert.throws(() => parseHostUrl('unix://relative.sock'), EngineConfigError);
});

test('npipe:// accepts both spellings of the Docker Desktop pipe', () => {
  for (const raw of ['npipe:////./pipe/docker_engine', 'npipe://./pipe/docker_engine', 'npipe://\\\\.\\pipe\\docker_engine']) {
    assert.deepEqual(parseHostUrl(raw), { protocol: 'npipe', url: 'npipe:////./pipe/docker_engine', socketPath: '//./pipe/docker_engine' }, raw);
  }
});

test('tcp:// defaults to 2375, or 2376 with TLS, and a bare host:port is tcp', () => {
  assert.deepEqual(parseHostUrl('tcp://127.0.0.1'), { protocol: 'tcp', url: 'tcp://127.0.0.1:2375', host: '127.0.0.1', port: 2375 });
  assert.equal(parseHostUrl('127.0.0.1:4243').url, 'tcp://127.0.0.1:4243');
  assert.equal(parseHostUrl('tcp://127.0.0.1:80').url, 'tcp://127.0.0.1:80');
  assert.equal(parseHostUrl('tcp://[::1]:2375').url, 'tcp://[::1]:2375');
  const tls = parseHostUrl('tcp://docker.example:2376', { tls: true, certPath: '/c' });
  assert.deepEqual(tls.protocol === 'tcp' && tls.tls, { verify: false, certPath: '/c' });
});

test('unsupported or empty hosts say what to use', () => {
  assert.throws(() => parseHostUrl(''), /set a URL such as unix:\/\/\/var\/run\/docker.sock/);
  assert.throws(() => parseHostUrl('http://x:1'), /unsupported scheme 'http': use unix:\/\/, npipe:\/\/ or tcp:\/\//);
  assert.throws(() => parseHostUrl('tcp://x:2376', { tlsVerify: true }), /set DOCKER_CERT_PATH/);
});
