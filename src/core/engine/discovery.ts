import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { currentContext, dockerConfigDir, pathApi, readContextEndpoint, type ContextEnv, type FileProbe } from './docker-context.ts';
import { EngineConfigError } from './errors.ts';
import { parseHostUrl } from './host-url.ts';
import type { DiscoveryResult, EngineEndpoint } from './types.ts';

export interface DiscoveryInput extends ContextEnv {
  /** The engine URL chosen in the app's settings (or `--host`), which beats everything else. */
  explicitHost?: string;
  /** How to name the explicit host in the reason: "setting" by default, "--host" for the CLI. */
  explicitLabel?: string;
}

interface Candidate {
  path: string;
  reason: string;
}

export const WINDOWS_PIPE = '//./pipe/docker_engine';
export const DEFAULT_UNIX_SOCKET = '/var/run/docker.sock';

/** Where the common Docker engines put their socket, in the order we try them. */
export function platformCandidates({ env, home, platform }: Omit<ContextEnv, 'fs'>): Candidate[] {
  if (platform === 'win32') return [{ path: WINDOWS_PIPE, reason: 'Docker Desktop named pipe found' }];
  const join = pathApi(platform).join;
  const list: Candidate[] = [
    { path: join(home, '.docker', 'run', 'docker.sock'), reason: 'Docker Desktop socket found' },
    { path: join(home, '.docker', 'desktop', 'docker.sock'), reason: 'Docker Desktop socket found' },
    { path: join(home, '.colima', 'default', 'docker.sock'), reason: 'Colima socket found' },
    { path: join(home, '.rd', 'docker.sock'), reason: 'Rancher Desktop socket found' },
    { path: join(home, '.orbstack', 'run', 'docker.sock'), reason: 'OrbStack socket found' },
  ];
  const runtimeDir = env.XDG_RUNTIME_DIR?.trim();
  if (runtimeDir) list.push({ path: join(runtimeDir, 'podman', 'podman.sock'), reason: 'Podman socket found (rootless)' });
  list.push({ path: '/run/podman/podman.sock', reason: 'Podman socket found' });
  list.push({ path: DEFAULT_UNIX_SOCKET, reason: `Docker socket found at ${DEFAULT_UNIX_SOCKET}` });
  return list;
}

function tlsFromEnv(input: DiscoveryInput): { tlsVerify: boolean; tls: boolean; certPath: string } {
  const { env } = input;
  return {
    // The docker CLI treats any non-empty value as "on".
    tlsVerify: Boolean(env.DOCKER_TLS_VERIFY?.trim()),
    tls: Boolean(env.DOCKER_TLS?.trim()),
    certPath: env.DOCKER_CERT_PATH?.trim() || dockerConfigDir(input),
  };
}

function socketEndpoint(path: string, platform: NodeJS.Platform): EngineEndpoint {
  return platform === 'win32' || path.startsWith('//./pipe/')
    ? { protocol: 'npipe', url: `npipe://${path}`, socketPath: path }
    : { protocol: 'unix', url: `unix://${path}`, socketPath: path };
}

/**
 * Chooses the Docker endpoint like the docker CLI: an explicit setting, DOCKER_HOST, the current docker
 * context, then the sockets of the common engines. Pure apart from `fs`, and it never writes anything:
 * the user's context is theirs.
 */
export function discoverEndpoint(input: DiscoveryInput): DiscoveryResult {
  const notes: string[] = [];
  const explicit = input.explicitHost?.trim();
  if (explicit) {
    const label = input.explicitLabel ?? 'engine setting';
    return { endpoint: parseHostUrl(explicit, tlsFromEnv(input)), source: 'setting', reason: label, notes };
  }

  const dockerHost = input.env.DOCKER_HOST?.trim();
  if (dockerHost) {
    return { endpoint: parseHostUrl(dockerHost, tlsFromEnv(input)), source: 'DOCKER_HOST', reason: 'DOCKER_HOST', notes };
  }

  const context = currentContext(input);
  if (context && context.name !== 'default') {
    const found = readContextEndpoint(context.name, input);
    if (found.ok) {
      const { host, skipTlsVerify, tlsDir } = found.endpoint;
      try {
        const endpoint = parseHostUrl(host, tlsDir ? { tlsVerify: !skipTlsVerify, tls: true, certPath: tlsDir } : {});
        const via = context.from === 'DOCKER_CONTEXT' ? ' (DOCKER_CONTEXT)' : '';
        return { endpoint, source: 'context', reason: `docker context '${context.name}'${via}`, notes };
      } catch (err) {
        if (!(err instanceof EngineConfigError)) throw err;
        notes.push(`docker context '${context.name}' was skipped: ${err.message}`);
      }
    } else {
      notes.push(`${found.problem}; looking for a running engine instead`);
    }
  }

  for (const candidate of platformCandidates(input)) {
    if (input.fs.exists(candidate.path)) {
      return { endpoint: socketEndpoint(candidate.path, input.platform), source: 'candidate', reason: candidate.reason, notes };
    }
  }

  const fallback = input.platform === 'win32' ? WINDOWS_PIPE : DEFAULT_UNIX_SOCKET;
  return {
    endpoint: socketEndpoint(fallback, input.platform),
    source: 'default',
    reason: `no Docker socket found; trying the default ${fallback}`,
    notes,
  };
}

/** The real file system, for discovery outside tests. Named pipes are checked by their Windows name. */
export const realFileProbe: FileProbe = {
  exists: (path) => existsSync(path.startsWith('//./pipe/') ? path.replace(/\//g, '\\') : path),
  readText: (path) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return undefined;
    }
  },
};

/** Discovery against this machine's environment, home folder and files. */
export function discoverLocalEndpoint(
  opts: { explicitHost?: string; explicitLabel?: string; env?: Record<string, string | undefined> } = {},
): DiscoveryResult {
  const env = opts.env ?? process.env;
  const home = (process.platform === 'win32' ? env.USERPROFILE : env.HOME)?.trim() || homedir();
  return discoverEndpoint({
    ...(opts.explicitHost !== undefined ? { explicitHost: opts.explicitHost } : {}),
    ...(opts.explicitLabel !== undefined ? { explicitLabel: opts.explicitLabel } : {}),
    env,
    home,
    platform: process.platform,
    fs: realFileProbe,
  });
}
