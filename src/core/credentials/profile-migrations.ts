import { z } from 'zod';
import {
  DEFAULT_MODULE,
  DEFAULT_OPTIONS,
  DEFAULT_PORTS,
  SETTINGS_VERSION,
  apiUrlSchema,
  clusterIdSchema,
  describeIssues,
  imageSchema,
  optionsSchema,
  portsSchema,
  profileNameSchema,
  settingsSchema,
  type ProfilePorts,
  type Settings,
} from './profile-schema.ts';

/**
 * History of `settings.json`. Each version's shape is frozen here, and each step goes from one version
 * to the next only, so a file from any older release climbs the ladder one tested rung at a time.
 *
 * - v1 (0.0.x previews): each profile had a single `port`, the host port of the proxy's HTTP listener.
 *   HTTPS, the Control API and Prometheus were not published, and there were no per-profile options.
 * - v2 (0.1): `ports` holds all four host ports (proxy http and https, control, prometheus), and
 *   `options` holds per-profile switches, starting with `autoRenewCert`.
 * - v3 (0.2): `module` says which Lua module the gateway runs (`auto`, `open-agent`, `api7` or a module
 *   tarball URL). Every older profile gets `auto`, which runs what it ran before on its own templates.
 *
 * To add v4: freeze v3's schema here as `settingsV3Schema`, write `v3ToV4`, append it to `migrations`,
 * bump SETTINGS_VERSION, and add a step test.
 */

/** A file written by a newer Gateway Tray: never rewritten by this one. */
export class SettingsVersionError extends Error {
  override name = 'SettingsVersionError';
}

/** A file that is not a settings file of any version we know: the caller moves it aside. */
export class SettingsFormatError extends Error {
  override name = 'SettingsFormatError';
}

const v1ProfileSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('local'), clusterId: clusterIdSchema.optional(), image: imageSchema, port: z.number().int().min(1).max(65535) }).strict(),
  z
    .object({ kind: z.literal('cloud'), apiUrl: apiUrlSchema, clusterId: clusterIdSchema.optional(), image: imageSchema, port: z.number().int().min(1).max(65535) })
    .strict(),
]);

export const settingsV1Schema = z
  .object({ version: z.literal(1), defaultProfile: profileNameSchema, profiles: z.record(profileNameSchema, v1ProfileSchema) })
  .strict();

export type SettingsV1 = z.infer<typeof settingsV1Schema>;

const v2Common = { clusterId: clusterIdSchema.optional(), image: imageSchema, ports: portsSchema, options: optionsSchema };
const v2ProfileSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('local'), ...v2Common }).strict(),
  z.object({ kind: z.literal('cloud'), apiUrl: apiUrlSchema, ...v2Common }).strict(),
]);

export const settingsV2Schema = z
  .object({ version: z.literal(2), defaultProfile: profileNameSchema, profiles: z.record(profileNameSchema, v2ProfileSchema) })
  .strict();

export type SettingsV2 = z.infer<typeof settingsV2Schema>;

export interface Migration {
  from: number;
  to: number;
  /** The shape this step accepts; anything else is a corrupt file, not something to guess at. */
  input: z.ZodType;
  migrate(input: never): unknown;
}

/**
 * v1 published one port; v2 publishes four. The three new ones take their defaults, and one that
 * collides with the port the user picked moves up to the next free number, so the result is valid.
 */
export function portsFromV1(port: number): ProfilePorts {
  const taken = new Set([port]);
  const pick = (preferred: number): number => {
    let candidate = preferred;
    while (taken.has(candidate)) candidate = candidate >= 65535 ? 1024 : candidate + 1;
    taken.add(candidate);
    return candidate;
  };
  return { proxyHttp: port, proxyHttps: pick(DEFAULT_PORTS.proxyHttps), control: pick(DEFAULT_PORTS.control), prometheus: pick(DEFAULT_PORTS.prometheus) };
}

export function v1ToV2(v1: SettingsV1): SettingsV2 {
  const profiles: SettingsV2['profiles'] = {};
  for (const [name, { port, ...rest }] of Object.entries(v1.profiles)) {
    profiles[name] = { ...rest, ports: portsFromV1(port), options: { ...DEFAULT_OPTIONS } };
  }
  return { version: 2, defaultProfile: v1.defaultProfile, profiles };
}

/** v3 adds the module choice; `auto` keeps each profile on the module its templates name. */
export function v2ToV3(v2: SettingsV2): Settings {
  const profiles: Settings['profiles'] = {};
  for (const [name, profile] of Object.entries(v2.profiles)) profiles[name] = { ...profile, module: DEFAULT_MODULE };
  return { version: 3, defaultProfile: v2.defaultProfile, profiles };
}

export const migrations: readonly Migration[] = [
  { from: 1, to: 2, input: settingsV1Schema, migrate: v1ToV2 as (input: never) => unknown },
  { from: 2, to: 3, input: settingsV2Schema, migrate: v2ToV3 as (input: never) => unknown },
];

const OLDEST_VERSION = 1;

export interface MigrationResult {
  settings: Settings;
  /** The version the file was in; equal to SETTINGS_VERSION when nothing had to change. */
  fromVersion: number;
}

/** Brings parsed JSON of any known version to the current shape, or says why it can't. */
export function migrateSettings(raw: unknown, file = 'settings.json'): MigrationResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new SettingsFormatError('it is not a JSON object');
  const version = (raw as { version?: unknown }).version;
  if (typeof version !== 'number' || !Number.isInteger(version)) throw new SettingsFormatError('it has no integer "version"');
  if (version > SETTINGS_VERSION) {
    throw new SettingsVersionError(
      `${file} was written by a newer Gateway Tray (settings version ${version}; this one understands up to ${SETTINGS_VERSION}). ` +
        'Upgrade Gateway Tray, or move the file away to start with fresh settings; it was left untouched.',
    );
  }
  if (version < OLDEST_VERSION) throw new SettingsFormatError(`settings version ${version} never existed`);

  let current: unknown = raw;
  for (let v = version; v < SETTINGS_VERSION; v++) {
    const step = migrations.find((m) => m.from === v);
    if (!step) throw new SettingsFormatError(`no migration from settings version ${v}`);
    const parsed = step.input.safeParse(current);
    if (!parsed.success) throw new SettingsFormatError(`it does not match settings version ${v}: ${describeIssues(parsed.error)}`);
    current = step.migrate(parsed.data as never);
  }
  const parsed = settingsSchema.safeParse(current);
  if (!parsed.success) throw new SettingsFormatError(`it does not match settings version ${SETTINGS_VERSION}: ${describeIssues(parsed.error)}`);
  return { settings: parsed.data, fromVersion: version };
}
