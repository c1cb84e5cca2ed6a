import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../credentials/atomic-write.ts';

/**
 * `control-plane/background.json`: the control plane that `launch` started in the background, with the
 * etcd it started for it (if any), so `gateway-tray control-plane status|stop` can name and stop both.
 * Older files hold only `{apiPort, dpPort}`; they read as no record (the ports live in ports.json now).
 */
export const backgroundRecordSchema = z.object({
  pid: z.number().int().positive(),
  startedAt: z.string(),
  apiPort: z.number().int(),
  dpPort: z.number().int(),
  etcd: z
    .object({
      url: z.string(),
      /** False when it was running already (adopted): then it is not this control plane's to stop. */
      started: z.boolean(),
      pid: z.number().int().positive().optional(),
      container: z.string().optional(),
    })
    .optional(),
});
export type BackgroundRecord = z.infer<typeof backgroundRecordSchema>;

const cpDir = (home: string) => join(home, 'control-plane');
export const backgroundRecordFile = (home: string): string => join(cpDir(home), 'background.json');
/** Held while one process starts this home's control plane (home-lock.ts). */
export const startLockFile = (home: string): string => join(cpDir(home), 'start.lock');

export function readBackgroundRecord(home: string): BackgroundRecord | undefined {
  try {
    const parsed = backgroundRecordSchema.safeParse(JSON.parse(readFileSync(backgroundRecordFile(home), 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function writeBackgroundRecord(home: string, record: BackgroundRecord): void {
  writeFileAtomic(backgroundRecordFile(home), `${JSON.stringify(backgroundRecordSchema.parse(record))}\n`, 0o600);
}

/**
 * The etcd of this home's running control plane was started again (the supervisor saw it die, or a
 * launch found it gone): background.json names the one that runs now, so `control-plane stop` stops
 * that one and not a pid that is gone. Without a record there is no running control plane to update.
 */
export function recordBackgroundEtcd(home: string, etcd: { url: string; pid?: number | undefined; container?: string | undefined }): void {
  const record = readBackgroundRecord(home);
  if (!record) return;
  writeBackgroundRecord(home, {
    ...record,
    etcd: { url: etcd.url, started: true, ...(etcd.pid !== undefined ? { pid: etcd.pid } : {}), ...(etcd.container ? { container: etcd.container } : {}) },
  });
}
