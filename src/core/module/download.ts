/** Bytes so far of a module download; `totalBytes` is 0 when the server sent no Content-Length. */
export interface DownloadProgress {
  currentBytes: number;
  totalBytes: number;
  /** 0..100; stays 0 while the total is unknown, 100 once the body is complete. */
  percent: number;
}

export class ModuleDownloadError extends Error {
  override name = 'ModuleDownloadError';
  constructor(
    message: string,
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** A module tarball is about 1 MB; anything past this is not one. */
export const MAX_MODULE_BYTES = 64 * 1024 * 1024;

export interface DownloadOptions {
  onProgress?: (progress: DownloadProgress) => void;
  signal?: AbortSignal;
  /** The whole request, body included (default 120 s). */
  timeoutMs?: number;
  maxBytes?: number;
  /** Revalidation of a cached copy: sent as If-None-Match / If-Modified-Since. */
  etag?: string;
  lastModified?: string;
  fetchImpl?: typeof fetch;
}

export type DownloadResult =
  | { status: 'downloaded'; body: Buffer; etag?: string; lastModified?: string }
  /** The server said the cached copy is current (HTTP 304): nothing was transferred. */
  | { status: 'not-modified' };

/** The one-line reason of a failed fetch: undici hides the socket error in `cause`. */
export function reasonOf(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError') return 'the download timed out';
    const cause = err.cause as { code?: unknown; message?: unknown } | undefined;
    if (cause && typeof cause.code === 'string') return typeof cause.message === 'string' ? `${cause.code}: ${cause.message}` : cause.code;
    if (cause && typeof cause.message === 'string') return cause.message;
    return err.message;
  }
  return String(err);
}

/**
 * GET a module tarball the way cloud-cli does (internal/cloud/api.go, GetCloudLuaModule): following
 * redirects, and with **no** Authorization header, since the module is public and a token must never
 * go to a download host. Progress is reported as the body arrives, at most once per percent.
 */
export async function downloadModule(url: string, opts: DownloadOptions = {}): Promise<DownloadResult> {
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? 120_000);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  const maxBytes = opts.maxBytes ?? MAX_MODULE_BYTES;
  const headers: Record<string, string> = { accept: 'application/gzip, application/octet-stream, */*' };
  if (opts.etag) headers['if-none-match'] = opts.etag;
  if (opts.lastModified) headers['if-modified-since'] = opts.lastModified;
  let res: Response;
  try {
    res = await (opts.fetchImpl ?? fetch)(url, { headers, redirect: 'follow', signal });
  } catch (err) {
    throw new ModuleDownloadError(`GET ${url} failed: ${reasonOf(err)}`, reasonOf(err), { cause: err });
  }
  if (res.status === 304 && (opts.etag || opts.lastModified)) {
    await res.body?.cancel().catch(() => undefined);
    return { status: 'not-modified' };
  }
  if (res.status !== 200 || !res.body) {
    await res.body?.cancel().catch(() => undefined);
    const reason = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`;
    throw new ModuleDownloadError(`GET ${url} answered ${reason}`, reason);
  }
  const length = Number(res.headers.get('content-length') ?? '');
  const totalBytes = Number.isFinite(length) && length > 0 ? length : 0;
  if (totalBytes > maxBytes) {
    await res.body.cancel().catch(() => undefined);
    throw new ModuleDownloadError(`GET ${url} would send ${totalBytes} bytes`, `it is ${totalBytes} bytes, more than a module tarball (${maxBytes})`);
  }
  const chunks: Buffer[] = [];
  let currentBytes = 0;
  let lastPercent = -1;
  const report = (final: boolean): void => {
    const percent = final ? 100 : totalBytes > 0 ? Math.min(99, Math.floor((currentBytes / totalBytes) * 100)) : 0;
    if (!final && percent === lastPercent && totalBytes > 0) return;
    lastPercent = percent;
    try {
      opts.onProgress?.({ currentBytes, totalBytes: final ? Math.max(totalBytes, currentBytes) : totalBytes, percent });
    } catch {
      // a progress display must not break the download
    }
  };
  report(false);
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      currentBytes += chunk.byteLength;
      if (currentBytes > maxBytes) throw new ModuleDownloadError(`GET ${url} sent more than ${maxBytes} bytes`, `it sent more than ${maxBytes} bytes, more than a module tarball`);
      chunks.push(Buffer.from(chunk));
      report(false);
    }
  } catch (err) {
    if (err instanceof ModuleDownloadError) throw err;
    throw new ModuleDownloadError(`GET ${url} broke off after ${currentBytes} bytes: ${reasonOf(err)}`, reasonOf(err), { cause: err });
  }
  // fetch decodes a Content-Encoding, so the length then counts other bytes than the ones we hold.
  const encoded = (res.headers.get('content-encoding') ?? 'identity') !== 'identity';
  if (totalBytes > 0 && !encoded && currentBytes !== totalBytes) {
    const reason = `the download ended after ${currentBytes} of ${totalBytes} bytes`;
    throw new ModuleDownloadError(`GET ${url}: ${reason}`, reason);
  }
  report(true);
  const etag = res.headers.get('etag') ?? undefined;
  const lastModified = res.headers.get('last-modified') ?? undefined;
  return { status: 'downloaded', body: Buffer.concat(chunks), ...(etag ? { etag } : {}), ...(lastModified ? { lastModified } : {}) };
}
