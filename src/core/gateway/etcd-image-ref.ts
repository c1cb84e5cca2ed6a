import { z } from 'zod';

/*
 * What the contract and the lower core both need of the etcd image, in a file that imports nothing of
 * Node, so the renderer's build can take it too (the lower core never imports the contract).
 */

/** The etcd image when no etcd binary is installed and the user chose none (a setting overrides it). */
export const DEFAULT_ETCD_IMAGE = 'quay.io/coreos/etcd:v3.5.21';

/** A container image reference ([registry/]name[:tag][@digest]); Docker has the last word when it pulls. */
export const imageRefSchema = z
  .string()
  .trim()
  .max(512)
  .regex(/^[a-z0-9][a-z0-9._\-/:]*(@sha256:[a-f0-9]{64})?$/i, 'an image reference looks like quay.io/coreos/etcd:v3.5.21')
  .refine((v) => !v.includes('//'), 'an image reference has no "//"');
