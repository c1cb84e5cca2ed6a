import { createHash } from 'node:crypto';
import { posix, win32 } from 'node:path';
import { z } from 'zod';

/** The file access discovery needs, injected so that discovery stays a pure function. */
export interface FileProbe {
  exists(path: string): boolean;
  /** The file's text, or undefined when it cannot be read. */
  readText(path: string): string | undefined;
}

export interface ContextEnv {
  env: Record<string, string | undefined>;
  home: string;
  platform: NodeJS.Platform;
  fs: FileProbe;
}

const configSchema = z.looseObject({ currentContext: z.string().optional() });

const metaSchema = z.looseObject({
  Name: z.string(),
  Endpoints: z.record(
    z.string(),
    z.looseObject({ Host: z.string().optional(), SkipTLSVerify: z.boolean().optional() }),
  ),
});

export function pathApi(platform: NodeJS.Platform): typeof posix {
  return platform === 'win32' ? win32 : posix;
}

/** The docker CLI's config folder: DOCKER_CONFIG, else ~/.docker. */
export function dockerConfigDir({ env, home, platform }: Omit<ContextEnv, 'fs'>): string {
  return env.DOCKER_CONFIG?.trim() || pathApi(platform).join(home, '.docker');
}

export interface CurrentContext {
  name: string;
  /** Where the name came from, for the user. */
  from: 'DOCKER_CONTEXT' | 'config.json';
}

/** The context the docker CLI would use (DOCKER_CONTEXT, else config.json's currentContext). */
export function currentContext(ctx: ContextEnv): CurrentContext | undefined {
  const fromEnv = ctx.env.DOCKER_CONTEXT?.trim();
  if (fromEnv) return { name: fromEnv, from: 'DOCKER_CONTEXT' };
  const text = ctx.fs.readText(pathApi(ctx.platform).join(dockerConfigDir(ctx), 'config.json'));
  if (text === undefined) return undefined;
  const parsed = configSchema.safeParse(safeJson(text));
  const name = parsed.success ? parsed.data.currentContext?.trim() : undefined;
  return name ? { name, from: 'config.json' } : undefined;
}

export interface ContextEndpoint {
  host: string;
  skipTlsVerify: boolean;
  /** The context's TLS material (ca.pem, cert.pem, key.pem), when it has any. */
  tlsDir?: string;
}

export type ContextLookup = { ok: true; endpoint: ContextEndpoint } | { ok: false; problem: string };

/** Reads `contexts/meta/<sha256(name)>/meta.json`, as the docker CLI stores contexts. */
export function readContextEndpoint(name: string, ctx: ContextEnv): ContextLookup {
  const path = pathApi(ctx.platform);
  const digest = createHash('sha256').update(name).digest('hex');
  const configDir = dockerConfigDir(ctx);
  const metaFile = path.join(configDir, 'contexts', 'meta', digest, 'meta.json');
  const text = ctx.fs.readText(metaFile);
  if (text === undefined) return { ok: false, problem: `docker context '${name}' was not found (no ${metaFile})` };
  const parsed = metaSchema.safeParse(safeJson(text));
  if (!parsed.success) return { ok: false, problem: `docker context '${name}' has an unreadable ${metaFile}` };
  const docker = parsed.data.Endpoints.docker;
  if (!docker?.Host) return { ok: false, problem: `docker context '${name}' has no Docker endpoint` };
  const tlsDir = path.join(configDir, 'contexts', 'tls', digest, 'docker');
  const hasTls = ctx.fs.exists(path.join(tlsDir, 'ca.pem')) || ctx.fs.exists(path.join(tlsDir, 'cert.pem'));
  return {
    ok: true,
    endpoint: { host: docker.Host, skipTlsVerify: docker.SkipTLSVerify ?? false, ...(hasTls ? { tlsDir } : {}) },
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
