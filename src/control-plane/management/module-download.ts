import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ModuleTarball } from '../module/agent-tarball.ts';
import { Code, sendEnvelope } from './envelope.ts';

/** Where the open agent is served as a Cloud Lua Module tarball (for API7_CLOUD_LUA_MODULE_URL). */
export const MODULE_TARBALL_PATH = '/api/v1/cloud_lua_module.tar.gz';

/** The tarball, or why there is none (the agent folder was missing at start). */
export type ModuleSource = { ok: true; tarball: ModuleTarball } | { ok: false; reason: string };

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const tag = t.trim().replace(/^W\//, '');
    return tag === etag || tag === '*';
  });
}

/**
 * Serves the module without a token: cloud-cli downloads it with no Authorization header, and it holds
 * nothing secret (it is the open agent's source). GET and HEAD; an ETag (its SHA-256) allows revalidation.
 */
export function serveModuleTarball(req: IncomingMessage, res: ServerResponse, source: ModuleSource): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    sendEnvelope(res, Code.BAD_REQUEST, undefined, `the module tarball is read with GET, not ${req.method ?? ''}`, 405);
    return;
  }
  if (!source.ok) {
    sendEnvelope(res, Code.NOT_FOUND, undefined, `the module tarball is not available: ${source.reason}`);
    return;
  }
  const { bytes, sha256 } = source.tarball;
  const etag = `"${sha256}"`;
  const common = { etag, 'cache-control': 'no-cache' };
  if (etagMatches(req.headers['if-none-match'], etag)) {
    res.writeHead(304, common);
    res.end();
    return;
  }
  res.writeHead(200, {
    ...common,
    'content-type': 'application/gzip',
    'content-length': bytes.length,
    'content-disposition': 'attachment; filename="cloud_lua_module.tar.gz"',
  });
  res.end(req.method === 'HEAD' ? undefined : bytes);
}
