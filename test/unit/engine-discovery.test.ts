import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { discoverEndpoint, realFileProbe, type DiscoveryInput } from '../../src/core/engine/discovery.ts';
import { EngineConfigError } from '../../src/core/engine/errors.ts';

/** A temporary HOME for one test, removed after it. */
function tempHome(t: TestContext): string {
  const home = mkdtempSync(join(tmpdir(), 'gt-engine-home-'));
  t.after(() => rmSync(home, { recursive: true, force: true }));
  return home;
}

function touch(path: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, '');
}

function writeContext(configDir: string, name: string, host: string, extra: Record<string, unknown> = {}): string {
  const digest = createHash('sha256').update(name).digest('hex');
  const dir = join(configDir, 'contexts', 'meta', digest);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'meta.json'), JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: false, ...extra } } }));
  return digest;
}

function input(home: string, env: Record<string, string | undefined> = {}, more: Partial<DiscoveryInput> = {}): DiscoveryInput {
  // The real file system, inside a temporary HOME; /var/run/docker.sock is outside it, so hide it.
  const fs = {
    exists: (p: string) => (p.startsWith(home) ? realFileProbe.exists(p) : false),
    readText: (p: string) => (p.startsWith(home) ? realFileProbe.readText(p) : undefined),
  };
  return { env, home, platform: 'linux', fs, ...more };
}

test('an explicit setting beats DOCKER_HOST and the context', (t) => {
  const home = tempHome(t);
  writeContext(join(home, '.docker'), 'colima', 'unix:///x/colima.sock');
  writeFileSync(join(home, '.docker', 'config.json'), JSON.stringify({ currentContext: 'colima' }));
  const r = discoverEndpoint(input(home, { DOCKER_HOST: 'unix:///from/env.sock' }, { explicitHost: 'tcp://127.0.0.1:2375', explicitLabel: '--host' }));
  assert.equal(r.endpoint.url, 'tcp://127.0.0.1:2375');
  assert.equal(r.source, 'setting');
  assert.equal(r.reason, '--host');
});

test('DOCKER_HOST beats the current context, even one named by DOCKER_CONTEXT', (t) => {
  const home = tempHome(t);
  writeContext(join(home, '.docker'), 'colima', 'unix:///x/colima.sock');
  const r = discoverEndpoint(input(home, { DOCKER_HOST: 'unix:///from/env.sock', DOCKER_CONTEXT: 'colima' }));
  assert.deepEqual(r.endpoint, { protocol: 'unix', url: 'unix:///from/env.sock', socketPath: '/from/env.sock' });
  assert.equal(r.reason, 'DOCKER_HOST');
});

test("the current context from config.json wins over the platform sockets, and is named in the reason", (t) => {
  const home = tempHome(t);
  const configDir = join(home, '.docker');
  writeContext(configDir, 'colima', 'unix:///Users/me/.colima/default/docker.sock');
  writeFileSync(join(configDir, 'config.json'), JSON.stringify({ auths: {}, currentContext: 'colima' }));
  touch(join(home, '.docker', 'run', 'docker.sock'));
  const r = discoverEndpoint(input(home));
  assert.equal(r.endpoint.url, 'unix:///Users/me/.colima/default/docker.sock');
  assert.equal(r.source, 'context');
  assert.equal(r.reason, "docker context 'colima'");
});

test('DOCKER_CONTEXT overrides config.json, and DOCKER_CONFIG moves the config folder', (t) => {
  const home = tempHome(t);
  const configDir = join(home, 'elsewhere');
  writeContext(configDir, 'rd', 'unix:///rd.sock');
  writeContext(configDir, 'orb', 'unix:///orb.sock');
  writeFileSync(join(configDir, 'config.json'), JSON.stringify({ currentContext: 'rd' }));
  const viaConfig = discoverEndpoint(input(home, { DOCKER_CONFIG: configDir }));
  assert.equal(viaConfig.endpoint.url, 'unix:///rd.sock');
  const viaEnv = discoverEndpoint(input(home, { DOCKER_CONFIG: configDir, DOCKER_CONTEXT: 'orb' }));
  assert.equal(viaEnv.endpoint.url, 'unix:///orb.sock');
  assert.equal(viaEnv.reason, "docker context 'orb' (DOCKER_CONTEXT)");
});

test("the 'default' context and a missing context fall through to the sockets, with a note for the missing one", (t) => {
  const home = tempHome(t);
  touch(join(home, '.colima', 'default', 'docker.sock'));
  mkdirSync(join(home, '.docker'), { recursive: true });
  writeFileSync(join(home, '.docker', 'config.json'), JSON.stringify({ currentContext: 'default' }));
  const def = discoverEndpoint(input(home));
  assert.equal(def.reason, 'Colima socket found');
  assert.deepEqual(def.notes, []);
  const missing = discoverEndpoint(input(home, { DOCKER_CONTEXT: 'gone' }));
  assert.equal(missing.reason, 'Colima socket found');
  assert.match(missing.notes[0] ?? '', /docker context 'gone' was not found/);
});

test('a context with TLS material connects over TLS with its own certificates', (t) => {
  const home = tempHome(t);
  const configDir = join(home, '.docker');
  const digest = writeContext(configDir, 'remote', 'tcp://127.0.0.1:2376');
  touch(join(configDir, 'contexts', 'tls', digest, 'docker', 'ca.pem'));
  const r = discoverEndpoint(input(home, { DOCKER_CONTEXT: 'remote' }));
  assert.equal(r.endpoint.protocol, 'tcp');
  assert.deepEqual(r.endpoint.protocol === 'tcp' && r.endpoint.tls, { verify: true, certPath: join(configDir, 'contexts', 'tls', digest, 'docker') });
});

test('the platform candidates are tried in order and the first that exists wins', (t) => {
  const home = tempHome(t);
  const runtime = join(home, 'xdg');
  const order: Array<[string, string]> = [
    [join(home, '.docker', 'run', 'docker.sock'), 'Docker Desktop socket found'],
    [join(home, '.docker', 'desktop', 'docker.sock'), 'Docker Desktop socket found'],
    [join(home, '.colima', 'default', 'docker.sock'), 'Colima socket found'],
    [join(home, '.rd', 'docker.sock'), 'Rancher Desktop socket found'],
    [join(home, '.orbstack', 'run', 'docker.sock'), 'OrbStack socket found'],
    [join(runtime, 'podman', 'podman.sock'), 'Podman socket found (rootless)'],
  ];
  for (const [path] of order) touch(path);
  // Remove them from the front: each time the next one in line must win.
  for (const [path, reason] of order) {
    const r = discoverEndpoint(input(home, { XDG_RUNTIME_DIR: runtime }));
    assert.equal(r.endpoint.url, `unix://${path}`);
    assert.equal(r.reason, reason);
    assert.equal(r.source, 'candidate');
    rmSync(path);
  }
});

test('system sockets: rootful Podman, then /var/run/docker.sock, then the default when nothing exists', () => {
  const present = new Set(['/run/podman/podman.sock', '/var/run/docker.sock']);
  const fs = { exists: (p: string) => present.has(p), readText: () => undefined };
  const base = { env: {}, home: '/nonexistent-home', platform: 'linux' as const, fs };
  assert.equal(discoverEndpoint(base).reason, 'Podman socket found');
  present.delete('/run/podman/podman.sock');
  const docker = discoverEndpoint(base);
  assert.equal(docker.reason, 'Docker socket found at /var/run/docker.sock');
  present.clear();
  const none = discoverEndpoint(base);
  assert.equal(none.source, 'default');
  assert.equal(none.endpoint.url, 'unix:///var/run/docker.sock');
  assert.match(none.reason, /no Docker socket found/);
});

test('Windows uses the Docker Desktop named pipe', () => {
  const fs = { exists: (p: string) => p === '//./pipe/docker_engine', readText: () => undefined };
  const r = discoverEndpoint({ env: {}, home: 'C:\\Users\\me', platform: 'win32', fs });
  assert.deepEqual(r.endpoint, { protocol: 'npipe', url: 'npipe:////./pipe/docker_engine', socketPath: '//./pipe/docker_engine' });
  assert.equal(r.reason, 'Docker Desktop named pipe found');
});

test('DOCKER_HOST tcp with DOCKER_TLS_VERIFY uses DOCKER_CERT_PATH, or the config folder', (t) => {
  const home = tempHome(t);
  const withPath = discoverEndpoint(input(home, { DOCKER_HOST: 'tcp://127.0.0.1', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' }));
  assert.deepEqual(withPath.endpoint, { protocol: 'tcp', url: 'tcp://127.0.0.1:2376', host: '127.0.0.1', port: 2376, tls: { verify: true, certPath: '/certs' } });
  const withoutPath = discoverEndpoint(input(home, { DOCKER_HOST: 'tcp://127.0.0.1:2376', DOCKER_TLS_VERIFY: '1' }));
  assert.equal(withoutPath.endpoint.protocol === 'tcp' && withoutPath.endpoint.tls?.certPath, join(home, '.docker'));
});

test('discovery never writes: the config folder is left exactly as it was', (t) => {
  const home = tempHome(t);
  const configDir = join(home, '.docker');
  writeContext(configDir, 'colima', 'unix:///c.sock');
  writeFileSync(join(configDir, 'config.json'), JSON.stringify({ currentContext: 'colima' }));
  const snapshot = () =>
    readdirSync(home, { recursive: true, withFileTypes: true })
      .map((e) => {
        const p = join(e.parentPath, e.name);
        const st = statSync(p);
        return `${p} ${st.mode} ${st.mtimeMs} ${e.isFile() ? readFileSync(p, 'utf8') : ''}`;
      })
      .sort();
  const before = snapshot();
  assert.equal(discoverEndpoint(input(home)).reason, "docker context 'colima'");
  assert.deepEqual(snapshot(), before);
});

test('an ssh:// DOCKER_HOST is refused with what to do instead', (t) => {
  const home = tempHome(t);
  assert.throws(() => discoverEndpoint(input(home, { DOCKER_HOST: 'ssh://me@box' })), (err: unknown) => {
    assert.ok(err instanceof EngineConfigError);
    assert.match(err.message, /ssh:\/\/.*not support.*docker context|ssh -L/);
    return true;
  });
});
