import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { APP_CSP } from './csp.ts';
import { isAppUrl } from './app-url.ts';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

export function contentTypeFor(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Maps an app URL to a file under the renderer's build folder, or null when it is not ours or would
 * leave that folder. A path without an extension is a client-side route and gets index.html.
 */
export function resolveAppAsset(root: string, url: string): string | null {
  if (!isAppUrl(url)) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(url).pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0')) return null;
  const relative = normalize(pathname).replace(/^([/\\])+/, '');
  if (relative === '' || relative === '.' || extname(relative) === '') return join(root, 'index.html');
  const file = join(root, relative);
  const rootWithSep = root.endsWith(sep) ? root : root + sep;
  return file.startsWith(rootWithSep) ? file : null;
}

/** The protocol handler: GET only, the renderer's files only, every answer with the app's CSP. */
export async function serveAppRequest(root: string, request: Request): Promise<Response> {
  const headers = { 'Content-Security-Policy': APP_CSP, 'X-Content-Type-Options': 'nosniff' };
  if (request.method !== 'GET' && request.method !== 'HEAD') return new Response('Method not allowed', { status: 405, headers });
  const file = resolveAppAsset(root, request.url);
  if (!file) return new Response('Not found', { status: 404, headers });
  try {
    if (!(await stat(file)).isFile()) return new Response('Not found', { status: 404, headers });
    const body = request.method === 'HEAD' ? null : await readFile(file);
    return new Response(body, { status: 200, headers: { ...headers, 'Content-Type': contentTypeFor(file) } });
  } catch {
    return new Response('Not found', { status: 404, headers });
  }
}
