import { DockerEngine, type Engine } from '../engine/engine.ts';

/** The official image's user (PROTOCOL §4). */
export const APISIX_USER = { name: 'apisix', uid: 636, gid: 636 } as const;

export interface ImageUser {
  uid: number;
  gid: number;
  /** Where the answer came from, for messages. */
  source: 'image' | 'passwd' | 'default';
}

/** The `apisix` entry of an /etc/passwd, or undefined. */
export function userFromPasswd(passwd: string, name: string = APISIX_USER.name): { uid: number; gid: number } | undefined {
  for (const line of passwd.split('\n')) {
    const [user, , uid, gid] = line.split(':');
    if (user !== name || uid === undefined || gid === undefined) continue;
    const u = Number(uid);
    const g = Number(gid);
    if (Number.isInteger(u) && Number.isInteger(g) && u >= 0 && g >= 0) return { uid: u, gid: g };
  }
  return undefined;
}

/** A numeric `USER uid[:gid]` of an image; a name (the official image says `apisix`) needs /etc/passwd. */
export function numericUser(user: string | undefined): { uid: number; gid: number } | undefined {
  const m = /^(\d+)(?::(\d+))?$/.exec(user ?? '');
  if (!m) return undefined;
  const uid = Number(m[1]);
  // Only the owner bits matter for a 0600 key in a 0700 folder; the group follows the uid when unset.
  return { uid, gid: m[2] !== undefined ? Number(m[2]) : uid };
}

/**
 * Who the gateway runs as, so the TLS bundle can be owned by that user with the key at 0600: the
 * image's numeric USER, else the created (not yet started) container's /etc/passwd, else uid 636.
 */
export async function gatewayUserOf(engine: Engine, containerId: string, image?: string): Promise<ImageUser> {
  if (image && engine instanceof DockerEngine) {
    const configured = await engine.docker
      .getImage(image)
      .inspect()
      .then((i) => numericUser(i.Config?.User))
      .catch(() => undefined);
    if (configured) return { ...configured, source: 'image' };
  }
  try {
    const passwd = (await engine.readFile(containerId, '/etc/passwd', { maxBytes: 256 * 1024 })).toString('utf8');
    const found = userFromPasswd(passwd);
    if (found) return { ...found, source: 'passwd' };
  } catch {
    // an image without /etc/passwd: use the official image's numbers
  }
  return { uid: APISIX_USER.uid, gid: APISIX_USER.gid, source: 'default' };
}

/** The last lines of a container's log, for an error message; never throws. */
export async function logTail(engine: Engine, containerId: string, lines = 25): Promise<string[]> {
  try {
    return (await engine.readLogs(containerId, { tail: lines })).map((l) => l.line);
  } catch {
    return [];
  }
}
