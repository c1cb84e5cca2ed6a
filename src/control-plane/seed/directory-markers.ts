import type { EtcdClient, KeyValue } from '../etcd/client.ts';

/**
 * APISIX 3.x's directories (PROTOCOL §2.3). APISIX 2.x-style config loaders, API7's module's among them,
 * read a directory's objects only when its marker key `<prefix>/<dir>/` holds `init_dir`.
 */
export const APISIX_DIRECTORIES = [
  'upstreams',
  'ssls',
  'stream_routes',
  'plugin_metadata',
  'routes',
  'services',
  'consumers',
  'global_rules',
  'protos',
  'plugin_configs',
  'consumer_groups',
  'secrets',
] as const;

/** Stored raw, not JSON-encoded: APISIX's own init_etcd puts base64("init_dir") as the value. */
export const DIRECTORY_MARKER_VALUE = 'init_dir';

export function directoryMarkerKey(prefix: string, dir: string): string {
  return `${prefix}/${dir}/`;
}

/** Whether a key is a directory marker (the key of a listed directory itself), which no listing shows. */
export function isDirectoryMarker(kv: KeyValue, dirPrefix: string): boolean {
  return kv.key === dirPrefix;
}

/**
 * Writes the markers APISIX's init_etcd would write in the traditional role, which a data_plane skips.
 * An existing marker is left as it is (never rewritten), so a restart changes no revision. Returns the
 * directories whose marker this call created.
 */
export async function ensureDirectoryMarkers(etcd: EtcdClient, prefix: string): Promise<string[]> {
  const created: string[] = [];
  for (const dir of APISIX_DIRECTORIES) {
    if (await etcd.putIfAbsent(directoryMarkerKey(prefix, dir), DIRECTORY_MARKER_VALUE)) created.push(dir);
  }
  return created;
}
