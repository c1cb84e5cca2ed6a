/**
 * The schemas of the IPC contract's arguments, with the types they infer: what main validates before a
 * handler runs, and what the renderer checks as the user types. Part of the one IPC contract
 * (ipc-contract.ts), which re-exports all of it.
 */
import { z } from 'zod';
import { moduleSettingSchema } from '../core/module/module-setting.ts';
import { imageRefSchema } from '../core/gateway/etcd-image-ref.ts';
import { apiUrlSchema, image, port, profileName, tokenSchema } from './ipc-field-schemas.ts';

/** The module setting's rules, for the renderer to check a URL as it is typed (the core checks again). */
export { MODULE_KEYWORDS, moduleSettingSchema } from '../core/module/module-setting.ts';

export const portsInput = z
  .object({ proxyHttp: port.optional(), proxyHttps: port.optional(), control: port.optional(), prometheus: port.optional() })
  .strict();

export const themeSchema = z.enum(['system', 'light', 'dark']);
export const quitBehaviourSchema = z.enum(['stop-gateway', 'leave-running']);
export const notificationKindSchema = z.enum(['crashed', 'heartbeat-lost', 'recovered', 'cert-expiring']);
export type Theme = z.infer<typeof themeSchema>;
export type QuitBehaviour = z.infer<typeof quitBehaviourSchema>;
export type NotificationKind = z.infer<typeof notificationKindSchema>;
export const NOTIFICATION_KINDS = notificationKindSchema.options;

// Defined in the lower core, which must not import the contract (ARCHITECTURE.md).
export { DEFAULT_ETCD_IMAGE, imageRefSchema } from '../core/gateway/etcd-image-ref.ts';

/** App preferences (not profiles): what the Settings page edits besides profiles. */
export const appSettingsSchema = z
  .object({
    onboarded: z.boolean(),
    theme: themeSchema,
    quitBehaviour: quitBehaviourSchema,
    autostart: z.boolean(),
    notifications: z.object({ enabled: z.boolean(), muted: z.array(notificationKindSchema) }).strict(),
    /** The etcd image for the embedded control plane when no etcd binary is installed; absent: the built-in default. */
    etcdImage: imageRefSchema.optional(),
  })
  .strict();
export type AppSettings = z.infer<typeof appSettingsSchema>;

export const appSettingsPatchSchema = z
  .object({
    onboarded: z.boolean().optional(),
    theme: themeSchema.optional(),
    quitBehaviour: quitBehaviourSchema.optional(),
    autostart: z.boolean().optional(),
    notifications: z.object({ enabled: z.boolean().optional(), muted: z.array(notificationKindSchema).max(4).optional() }).strict().optional(),
    /** An empty string goes back to the built-in default. */
    etcdImage: z.union([z.literal(''), imageRefSchema]).optional(),
  })
  .strict();
export type AppSettingsPatch = z.infer<typeof appSettingsPatchSchema>;

/** An upstream the user types: `host:port` or `http://host:port`. */
export const upstreamSchema = z
  .string()
  .trim()
  .max(300)
  .regex(/^(https?:\/\/)?[A-Za-z0-9.-]+(:\d{1,5})?\/?$|^(https?:\/\/)?\[[0-9a-fA-F:.]+\](:\d{1,5})?\/?$/, 'an upstream is host:port or http://host:port');

export const routeInputSchema = z
  .object({
    path: z.string().trim().startsWith('/', 'a path starts with "/"').max(4096).regex(/^\/[^\s]*$/, 'a path has no spaces'),
    upstream: upstreamSchema,
    name: z.string().max(256).optional(),
  })
  .strict();
export type RouteInput = z.infer<typeof routeInputSchema>;

export const addProfileSchema = z.discriminatedUnion('kind', [
  z.object({ name: profileName, kind: z.literal('local'), image: image.optional(), ports: portsInput.optional(), module: moduleSettingSchema.optional() }).strict(),
  z
    .object({
      name: profileName,
      kind: z.literal('cloud'),
      apiUrl: apiUrlSchema,
      /** Goes to the secret store, never into settings, logs or events. */
      token: tokenSchema,
      image: image.optional(),
      ports: portsInput.optional(),
      /** auto, open-agent, api7 or a module tarball URL (src/core/module/module-setting.ts). */
      module: moduleSettingSchema.optional(),
    })
    .strict(),
]);
export type AddProfileArg = z.infer<typeof addProfileSchema>;

export const updateProfileSchema = z
  .object({
    name: profileName,
    image: image.optional(),
    ports: portsInput.optional(),
    apiUrl: apiUrlSchema.optional(),
    token: tokenSchema.optional(),
    module: moduleSettingSchema.optional(),
  })
  .strict();
export type UpdateProfileArg = z.infer<typeof updateProfileSchema>;

/** The ports to check (checkPorts): all four, as the form holds them. */
export const checkPortsSchema = z
  .object({ name: profileName, ports: z.object({ proxyHttp: port, proxyHttps: port, control: port, prometheus: port }).strict() })
  .strict();

/** A component of the home's supervisor that restartComponent can name. */
export const componentIdSchema = z.enum(['etcd', 'control-plane'], { error: 'a component is etcd or control-plane' });
