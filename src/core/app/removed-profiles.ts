import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { ensureDir, writeFileAtomic } from '../credentials/atomic-write.ts';
import { apiUrlSchema, imageSchema, portsSchema, profileNameSchema, type Profile } from '../credentials/profile-schema.ts';
import { moduleSettingSchema } from '../module/module-setting.ts';

/**
 * What a removed profile was set to (never its token), so that adding a profile of the same name again
 * can start from its ports and image instead of silently from the defaults. One entry per name, the
 * latest removal; a file that can't be read is treated as empty, since this is only a convenience.
 */
const entrySchema = z
  .object({
    name: profileNameSchema,
    kind: z.enum(['local', 'cloud']),
    apiUrl: apiUrlSchema.optional(),
    image: imageSchema,
    ports: portsSchema,
    module: moduleSettingSchema,
    removedAt: z.iso.datetime(),
  })
  .strict();
export type RemovedProfile = z.infer<typeof entrySchema>;

const fileSchema = z.object({ version: z.literal(1), profiles: z.array(z.unknown()) }).strict();

/** Keeps the file small: the oldest removals are forgotten first. */
const MAX_ENTRIES = 50;

export class RemovedProfiles {
  readonly path: string;

  constructor(private readonly home: string) {
    this.path = join(home, 'removed-profiles.json');
  }

  #read(): RemovedProfile[] {
    if (!existsSync(this.path)) return [];
    try {
      const file = fileSchema.parse(JSON.parse(readFileSync(this.path, 'utf8')));
      // One bad entry costs only itself.
      return file.profiles.flatMap((e) => {
        const r = entrySchema.safeParse(e);
        return r.success ? [r.data] : [];
      });
    } catch {
      return [];
    }
  }

  #write(entries: RemovedProfile[]): void {
    ensureDir(this.home);
    writeFileAtomic(this.path, `${JSON.stringify({ version: 1, profiles: entries }, null, 2)}\n`);
  }

  get(name: string): RemovedProfile | undefined {
    return this.#read().find((e) => e.name === name);
  }

  remember(p: Profile, at: Date = new Date()): void {
    const entry: RemovedProfile = {
      name: p.name,
      kind: p.kind,
      ...(p.kind === 'cloud' ? { apiUrl: p.apiUrl } : {}),
      image: p.image,
      ports: { ...p.ports },
      module: p.module,
      removedAt: at.toISOString(),
    };
    const rest = this.#read().filter((e) => e.name !== p.name);
    this.#write([entry, ...rest].slice(0, MAX_ENTRIES));
  }

  /** The profile exists again: what was remembered for it has served its purpose. */
  forget(name: string): void {
    const all = this.#read();
    if (all.some((e) => e.name === name)) this.#write(all.filter((e) => e.name !== name));
  }
}
