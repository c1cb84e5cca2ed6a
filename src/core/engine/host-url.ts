import { posix } from 'node:path';
import { EngineConfigError } from './errors.ts';
import type { EngineEndpoint } from './types.ts';

export interface HostUrlOptions {
  /** DOCKER_TLS_VERIFY / DOCKER_TLS / DOCKER_CERT_PATH, or a context's TLS folder. */
  tlsVerify?: boolean;
  tls?: boolean;
  certPath?: string;
}

/**
 * Parses a Docker host URL the way the docker CLI accepts it: `unix:///path`, `npipe:////./pipe/name`
 * and `tcp://host[:port]`. A bare `host:port` is read as tcp, as the CLI does.
 */
export function parseHostUrl(raw: string, opts: HostUrlOptions = {}): EngineEndpoint {
  const value = raw.trim();
  if (!value) throw new EngineConfigError('The Docker host is empty: set a URL such as unix:///var/run/docker.sock');
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value)?.[1]?.toLowerCase();

  if (scheme === 'unix') {
    const socketPath = value.slice('unix://'.length);
    if (!posix.isAbsolute(socketPath)) {
      throw new EngineConfigError(`The Docker host ${value} has no absolute socket path: use unix:///path/to/docker.sock`);
    }
    return { protocol: 'unix', url: `unix://${socketPath}`, socketPath };
  }
  if (scheme === 'npipe') {
    // npipe:////./pipe/docker_engine and npipe://./pipe/docker_engine both name \\.\pipe\docker_engine.
    const rest = value.slice('npipe://'.length).replace(/\\/g, '/').replace(/^\/*/, '');
    if (!/^\.\/pipe\/.+/.test(rest)) {
      throw new EngineConfigError(`The Docker host ${value} is not a named pipe: use npipe:////./pipe/docker_engine`);
    }
    const socketPath = `//${rest}`;
    return { protocol: 'npipe', url: `npipe://${socketPath}`, socketPath };
  }
  if (scheme === undefined || scheme === 'tcp') {
    return parseTcp(scheme ? value : `tcp://${value}`, raw, opts);
  }
  if (scheme === 'ssh') {
    throw new EngineConfigError(
      `The Docker host ${value} uses ssh://, which the app does not support: create a docker context or forward the socket (ssh -L) and use unix:// or tcp://`,
    );
  }
  throw new EngineConfigError(`The Docker host ${value} has an unsupported scheme '${scheme}': use unix://, npipe:// or tcp://`);
}

function parseTcp(value: string, raw: string, opts: HostUrlOptions): EngineEndpoint {
  let url: URL;
  try {
    url = new URL(value.replace(/^tcp:/i, 'http:'));
  } catch {
    throw new EngineConfigError(`The Docker host ${raw} is not a valid URL: use tcp://host:port`);
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) throw new EngineConfigError(`The Docker host ${raw} names no host: use tcp://host:port`);
  const useTls = Boolean(opts.tlsVerify || opts.tls);
  // The docker CLI's defaults: 2376 with TLS, 2375 without. URL drops the default port 80, so read it back.
  const explicitPort = url.port ? Number(url.port) : /:80(?:\/|$)/.test(value) ? 80 : undefined;
  const port = explicitPort ?? (useTls ? 2376 : 2375);
  const hostPart = host.includes(':') ? `[${host}]` : host;
  const endpoint: EngineEndpoint = { protocol: 'tcp', url: `tcp://${hostPart}:${port}`, host, port };
  if (useTls) {
    if (!opts.certPath) {
      throw new EngineConfigError(`TLS is on for ${endpoint.url} but no certificate folder is set: set DOCKER_CERT_PATH`);
    }
    endpoint.tls = { verify: Boolean(opts.tlsVerify), certPath: opts.certPath };
  }
  return endpoint;
}
