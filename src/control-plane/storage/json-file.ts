import type { z } from 'zod';
import { readTextIfExists, writeFileAtomic } from './atomic-file.ts';

/**
 * Reads a JSON file of the data folder and checks its shape. A file that someone edited into nonsense is
 * reported with its path, so the user knows which file to fix or remove.
 */
export async function readJsonFile<T>(path: string, schema: z.ZodType<T>): Promise<T | undefined> {
  const text = await readTextIfExists(path);
  if (text === undefined) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error(`${path} is not valid JSON; fix it or remove it to start afresh`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new Error(`${path} has an unexpected shape (${parsed.error.issues[0]?.message ?? 'invalid'}); fix it or remove it`);
  }
  return parsed.data;
}

export async function writeJsonFile(path: string, value: unknown, mode = 0o600): Promise<void> {
  await writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`, mode);
}
