import { UsageError } from './command.ts';
import { isImageRef } from '../core/gateway/etcd-image.ts';

/**
 * `--etcd URL`: the client port of etcd's JSON gateway, as an origin (no path, no trailing slash). https://
 * only where the command also takes the client certificate (`--etcd-ca`, `--etcd-cert`, `--etcd-key`).
 */
export function parseEtcdUrl(value: string, opts: { allowHttps?: boolean } = {}): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`--etcd expects a URL like http://127.0.0.1:2379, got "${value}"`);
  }
  const https = opts.allowHttps === true && url.protocol === 'https:';
  if (url.protocol !== 'http:' && !https) {
    throw new UsageError(`--etcd must be an http://${opts.allowHttps ? ' or https://' : ''} URL of etcd's client port, got "${value}"`);
  }
  return url.origin;
}

/** `--etcd-image REF`: the image etcd runs from when no etcd binary is installed. */
export function parseEtcdImage(value: string): string {
  const ref = value.trim();
  if (!isImageRef(ref)) throw new UsageError(`--etcd-image expects an image reference like quay.io/coreos/etcd:v3.5.21, got "${value}"`);
  return ref;
}
