import { z } from 'zod';
import { readJsonFile, writeJsonFile } from '../storage/json-file.ts';
import { normalizeSerial } from './serial.ts';

const RevokedFile = z.object({ serials: z.array(z.object({ serial: z.string(), revokedAt: z.string() })) });

/**
 * The serials the data-plane endpoint refuses. Node's TLS server has no CRL-by-serial check of its own,
 * so the endpoint asks this list at handshake and on every request.
 */
export class RevocationList {
  private readonly serials = new Map<string, string>();

  private constructor(private readonly path: string) {}

  static async load(path: string): Promise<RevocationList> {
    const list = new RevocationList(path);
    const file = await readJsonFile(path, RevokedFile);
    for (const entry of file?.serials ?? []) list.serials.set(normalizeSerial(entry.serial), entry.revokedAt);
    return list;
  }

  has(serial: string): boolean {
    return this.serials.has(normalizeSerial(serial));
  }

  /** Revokes and persists before returning, so a revocation survives a crash right after it. */
  async revoke(serial: string, at: Date): Promise<void> {
    const key = normalizeSerial(serial);
    if (this.serials.has(key)) return;
    this.serials.set(key, at.toISOString());
    try {
      await writeJsonFile(this.path, { serials: [...this.serials].map(([s, revokedAt]) => ({ serial: s, revokedAt })) });
    } catch (err) {
      this.serials.delete(key);
      throw err;
    }
  }
}
