import type { z } from 'zod';

/** Messages per field name; '' holds what belongs to no field. */
export type FieldErrors = Record<string, string>;

/** A zod result's issues, by the first part of their path (the field). */
export function issuesByField(error: z.ZodError | undefined): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error?.issues ?? []) {
    const field = issue.path.map(String).join('.');
    out[field] ??= sentence(issue.message);
  }
  return out;
}

/**
 * A core error that names fields (`Invalid argument for updateProfile: image: …; ports.control: …`),
 * split back into per-field messages, so a check that only the core makes still lands beside its field.
 */
export function fieldsOfRemoteError(message: string): FieldErrors {
  const m = /^Invalid argument for \w+: (.*)$/s.exec(message);
  if (!m) return { '': message };
  const out: FieldErrors = {};
  for (const part of m[1]!.split('; ')) {
    const at = /^([\w.]+): (.*)$/s.exec(part);
    if (at) out[at[1]!] ??= sentence(at[2]!);
    else out[''] = sentence(part);
  }
  return out;
}

/** zod's messages start lowercase; the UI shows them as sentences. */
function sentence(text: string): string {
  const s = text.trim();
  return s ? s[0]!.toUpperCase() + s.slice(1) + (/[.!?]$/.test(s) ? '' : '.') : s;
}
