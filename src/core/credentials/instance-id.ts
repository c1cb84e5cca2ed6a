import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gatewayTrayHome } from '../config/home.ts';
import { PRIVATE_DIR_MODE, PUBLIC_FILE_MODE, createFileAtomic, ensureDir } from './atomic-write.ts';
import { moveAside, type CredentialNotice } from './corrupt-file.ts';
import { PROFILE_NAME_PATTERN } from './profile-schema.ts';

export const DEFAULT_INSTANCE_NAME = 'default';
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface InstanceIdOptions {
  profile: string;
  /** One profile may run several gateways; each has its own name and id. */
  name?: string;
  home?: string;
  now?: () => Date;
}

export interface InstanceIdResult {
  id: string;
  /** The file holding the id; the gateway container mounts it read-only as apisix.uid. */
  path: string;
  /** True on the first use, when the id was just made. */
  created: boolean;
  /** Set when an unreadable id file was moved aside and replaced. */
  notice?: CredentialNotice;
}

export function instanceIdPath({ profile, name = DEFAULT_INSTANCE_NAME, home = gatewayTrayHome() }: InstanceIdOptions): string {
  if (!PROFILE_NAME_PATTERN.test(profile)) throw new Error(`"${profile}" is not a valid profile name.`);
  if (!PROFILE_NAME_PATTERN.test(name)) throw new Error(`"${name}" is not a valid instance name: use 1 to 32 lowercase letters, digits and "-".`);
  return join(home, 'instances', profile, name, 'instance-id');
}

function readId(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * The gateway's stable identity: made once per profile and instance name, kept outside the container,
 * and read back on every launch. A new id on each restart is how control planes fill up with ghosts.
 */
export function instanceId(options: InstanceIdOptions): InstanceIdResult {
  const path = instanceIdPath(options);
  const home = options.home ?? gatewayTrayHome();
  let notice: CredentialNotice | undefined;

  const existing = readId(path);
  if (existing !== undefined) {
    if (UUID_PATTERN.test(existing)) return { id: existing, path, created: false };
    notice = moveAside(
      path,
      'it does not hold a UUID',
      'a new instance id was made, so the control plane will list this gateway as a new instance; forget the old one there.',
      options.now?.() ?? new Date(),
    );
  }

  for (const dir of [join(home, 'instances'), join(home, 'instances', options.profile), join(path, '..')]) ensureDir(dir, PRIVATE_DIR_MODE);
  const created = createFileAtomic(path, `${randomUUID()}\n`, PUBLIC_FILE_MODE);
  // When another process won the race, its id is the one everybody uses.
  const id = readId(path);
  if (id === undefined || !UUID_PATTERN.test(id)) throw new Error(`Could not create the instance id at ${path}; check that the folder is writable.`);
  return { id, path, created, ...(notice ? { notice } : {}) };
}
