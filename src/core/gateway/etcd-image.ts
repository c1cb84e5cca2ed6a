import { DEFAULT_ETCD_IMAGE, imageRefSchema } from './etcd-image-ref.ts';

export { DEFAULT_ETCD_IMAGE };

export const ETCD_IMAGE_ENV = 'GATEWAY_TRAY_ETCD_IMAGE';

/** The flag (`--etcd-image`) wins, then the environment, then the app setting, then the default. */
export function resolveEtcdImage(opts: { flag?: string | undefined; setting?: string | undefined; env?: NodeJS.ProcessEnv }): string {
  const fromEnv = opts.env?.[ETCD_IMAGE_ENV]?.trim();
  return opts.flag?.trim() || fromEnv || opts.setting?.trim() || DEFAULT_ETCD_IMAGE;
}

/** A plausible image reference; Docker has the last word when it pulls. */
export function isImageRef(value: string): boolean {
  return imageRefSchema.safeParse(value).success;
}
