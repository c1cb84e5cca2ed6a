import { z } from 'zod';
import { DECIMAL_ID, newDecimalId } from '../ids.ts';
import { readJsonFile, writeJsonFile } from './json-file.ts';

const Identity = z.object({
  userId: z.string().regex(DECIMAL_ID),
  orgId: z.string().regex(DECIMAL_ID),
  clusterId: z.string().regex(DECIMAL_ID),
  createdAt: z.string(),
});
export type Identity = z.infer<typeof Identity>;

/**
 * The one user, organization and cluster of a local control plane. Created once, so the ids the app saved
 * stay valid across restarts.
 */
export async function loadOrCreateIdentity(path: string, now: Date): Promise<Identity> {
  const existing = await readJsonFile(path, Identity);
  if (existing) return existing;
  const identity: Identity = {
    userId: newDecimalId(),
    orgId: newDecimalId(),
    clusterId: newDecimalId(),
    createdAt: now.toISOString(),
  };
  await writeJsonFile(path, identity);
  return identity;
}
