import { z } from 'zod';
import { DEFAULT_MODULE_SETTING, moduleSettingSchema } from '../module/module-setting.ts';

/**
 * The current shape of `settings.json` (settings version 3). Older shapes and the steps between them
 * live in profile-migrations.ts. Tokens never appear here: they are in the secret store.
 */

export const SETTINGS_VERSION = 3;
export const PROFILE_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,31}$/;
export const DEFAULT_PROFILE_NAME = 'local';
export const DEFAULT_IMAGE = 'apache/apisix:3.13.0-debian';
export const DEFAULT_PORTS = Object.freeze({ proxyHttp: 9080, proxyHttps: 9443, control: 9090, prometheus: 9091 });
export const DEFAULT_OPTIONS = Object.freeze({ autoRenewCert: true });
export const DEFAULT_MODULE = DEFAULT_MODULE_SETTING;

// [registry[:port]/]path[:tag][@sha256:digest], after Docker's reference grammar, kept readable.
const IMAGE_PATTERN =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9.-]*[a-zA-Z0-9])?(?::[0-9]{1,5})?\/)?[a-z0-9]+(?:(?:\.|_{1,2}|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_{1,2}|-+)[a-z0-9]+)*)*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

export const profileNameSchema = z
  .string()
  .regex(PROFILE_NAME_PATTERN, 'a profile name is 1 to 32 characters: lowercase letters, digits and "-", starting with a letter or digit');

export const imageSchema = z
  .string()
  .max(255)
  .regex(IMAGE_PATTERN, 'an image is a Docker reference such as apache/apisix:3.13.0-debian');

/** Control-plane ids are decimal strings (PROTOCOL.md §1). */
export const clusterIdSchema = z.string().regex(/^[0-9]{1,20}$/, 'a cluster id is a decimal string such as "392306215415186327"');

const portSchema = z.number().int().min(1).max(65535);

export const portsSchema = z
  .object({ proxyHttp: portSchema, proxyHttps: portSchema, control: portSchema, prometheus: portSchema })
  .strict()
  .refine((p) => new Set(Object.values(p)).size === 4, {
    message: 'the four host ports (proxy http, proxy https, control, prometheus) must all differ',
  });

export const optionsSchema = z.object({ autoRenewCert: z.boolean() }).strict();

/**
 * A cloud control plane's management API base URL. HTTPS, except plain HTTP on loopback (a team's
 * control plane on this machine): the bearer token must never cross a network in clear.
 */
export const apiUrlSchema = z
  .url()
  .refine((raw) => {
    const url = new URL(raw);
    if (url.protocol === 'https:') return true;
    return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  }, 'the control-plane URL must use https:// (plain http:// is accepted only for 127.0.0.1, localhost or [::1])')
  .refine((raw) => {
    const url = new URL(raw);
    return url.username === '' && url.password === '' && url.search === '' && url.hash === '';
  }, 'the control-plane URL must not carry a user, password, query or fragment; store the token with the token command instead');

const commonFields = {
  clusterId: clusterIdSchema.optional(),
  image: imageSchema,
  ports: portsSchema,
  options: optionsSchema,
  /** Which Lua module the gateway runs: auto, open-agent, api7 or a module tarball URL (src/core/module). */
  module: moduleSettingSchema,
};

/** The embedded control plane: its address is found at run time, so none is stored. */
export const localProfileSchema = z.object({ kind: z.literal('local'), ...commonFields }).strict();
export const cloudProfileSchema = z.object({ kind: z.literal('cloud'), apiUrl: apiUrlSchema, ...commonFields }).strict();
export const storedProfileSchema = z.discriminatedUnion('kind', [localProfileSchema, cloudProfileSchema]);

export const settingsSchema = z
  .object({
    version: z.literal(SETTINGS_VERSION),
    defaultProfile: profileNameSchema,
    profiles: z.record(profileNameSchema, storedProfileSchema),
  })
  .strict()
  .refine((s) => Object.hasOwn(s.profiles, s.defaultProfile), {
    message: 'the default profile must be one of the profiles',
    path: ['defaultProfile'],
  });

export type StoredProfile = z.infer<typeof storedProfileSchema>;
export type Settings = z.infer<typeof settingsSchema>;
export type ProfilePorts = z.infer<typeof portsSchema>;
export type ProfileOptions = z.infer<typeof optionsSchema>;
/** A profile as the API hands it out: its name plus what is stored under it. */
export type Profile = StoredProfile & { name: string };

/**
 * The same rules as a JSON Schema (draft 2020-12), derived from the zod schema so the two can't drift.
 * conf checks every write against it; zod re-checks at the boundary with friendlier messages and the
 * cross-field rules JSON Schema can't express (distinct ports, default profile exists).
 */
export const settingsJsonSchema = z.toJSONSchema(settingsSchema, { target: 'draft-2020-12' }) as {
  properties: Record<string, unknown>;
  required?: string[];
  additionalProperties?: unknown;
};

export function defaultLocalProfile(): StoredProfile {
  return { kind: 'local', image: DEFAULT_IMAGE, ports: { ...DEFAULT_PORTS }, options: { ...DEFAULT_OPTIONS }, module: DEFAULT_MODULE };
}

/** What the first run writes: one local profile for the embedded control plane, and it is the default. */
export function initialSettings(): Settings {
  return { version: SETTINGS_VERSION, defaultProfile: DEFAULT_PROFILE_NAME, profiles: { [DEFAULT_PROFILE_NAME]: defaultLocalProfile() } };
}

/** Joins zod issues into one sentence for an error message. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}
