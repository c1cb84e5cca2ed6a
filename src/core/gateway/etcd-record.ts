import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ensureDir, PRIVATE_DIR_MODE, writeFileAtomic } from '../credentials/atomic-write.ts';

/**
 * `$GATEWAY_TRAY_HOME/etcd/etcd.json`: the etcd this app started, so the next run reuses it. A process
 * carries its `pid`; a container (added later) carries its Docker id in `container` instead. Records
 * written before containers existed hold `{url, pid}` and still read.
 */
export const etcdRecordSchema = z.union([
  z.object({ url: z.string().url(), pid: z.number().int().positive() }).strict(),
  z.object({ url: z.string().url(), container: z.string().min(1) }).strict(),
]);
export type EtcdRecord = z.infer<typeof etcdRecordSchema>;

export const etcdDir = (home: string): string => join(home, 'etcd');
export const etcdRecordFile = (home: string): string => join(etcdDir(home), 'etcd.json');

/** The record, or undefined when there is none or it cannot be read (it is then simply replaced). */
export function readEtcdRecord(home: string): EtcdRecord | undefined {
  const file = etcdRecordFile(home);
  if (!existsSync(file)) return undefined;
  try {
    const parsed = etcdRecordSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function writeEtcdRecord(home: string, record: EtcdRecord): void {
  ensureDir(etcdDir(home), PRIVATE_DIR_MODE);
  writeFileAtomic(etcdRecordFile(home), `${JSON.stringify(etcdRecordSchema.parse(record))}\n`, 0o600);
}
