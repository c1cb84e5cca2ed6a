import { rename } from 'node:fs/promises';
import type { InstanceRecord } from './instance.ts';
import { InstanceTableWriter } from './persistence.ts';

/**
 * The instance table of the last run. A damaged file is moved aside rather than fatal: instances
 * re-register with their next heartbeat, and the old file stays for a look.
 */
export async function loadInstances(path: string, log: (line: string) => void): Promise<InstanceRecord[]> {
  try {
    return (await InstanceTableWriter.load(path))?.instances ?? [];
  } catch (err) {
    const aside = `${path}.damaged-${Date.now()}`;
    await rename(path, aside).catch(() => undefined);
    log(`instance table: ${err instanceof Error ? err.message : String(err)}; moved it to ${aside} and starting with an empty table`);
    return [];
  }
}
