import { z } from 'zod';
import { moduleSettingSchema } from '../module/module-setting.ts';
import { apiUrlSchema, clusterIdSchema, imageSchema, profileNameSchema } from './profile-schema.ts';

/**
 * What callers (CLI flags, IPC from the renderer) may send to add or change a profile. Unset fields
 * take defaults or keep their value; the merged result is checked again against the stored schema.
 */

// Ports are range-checked after merging, so the message names the final, complete set.
const partialPorts = z.object({
  proxyHttp: z.number().optional(),
  proxyHttps: z.number().optional(),
  control: z.number().optional(),
  prometheus: z.number().optional(),
}).strict();
const partialOptions = z.object({ autoRenewCert: z.boolean().optional() }).strict();
const commonInput = {
  clusterId: clusterIdSchema.optional(),
  image: imageSchema.optional(),
  ports: partialPorts.optional(),
  options: partialOptions.optional(),
  module: moduleSettingSchema.optional(),
};

export const addProfileInputSchema = z.discriminatedUnion('kind', [
  z.object({ name: profileNameSchema, kind: z.literal('local'), ...commonInput }).strict(),
  z.object({ name: profileNameSchema, kind: z.literal('cloud'), apiUrl: apiUrlSchema, ...commonInput }).strict(),
]);
export type AddProfileInput = z.input<typeof addProfileInputSchema>;

/** `clusterId: null` forgets a resolved cluster, so the next launch resolves it again. */
export const updateProfileInputSchema = z.object({
  apiUrl: apiUrlSchema.optional(),
  clusterId: clusterIdSchema.nullable().optional(),
  image: imageSchema.optional(),
  ports: partialPorts.optional(),
  options: partialOptions.optional(),
  module: moduleSettingSchema.optional(),
}).strict();
export type UpdateProfileInput = z.input<typeof updateProfileInputSchema>;

export function normalizeApiUrl(raw: string): string {
  // One spelling per address, so "https://x/" and "https://x" are the same profile target.
  return new URL(raw).href.replace(/\/+$/, '');
}
