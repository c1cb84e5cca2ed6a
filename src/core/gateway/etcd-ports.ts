import { isPortFree, pickPort } from './free-port.ts';

export interface EtcdPorts {
  client: number;
  peer: number;
}

/**
 * The ports a new etcd process listens on: the dead one's old client port when it is free (a control plane
 * still running against it reconnects), else `preferred` (etcd's 2379, or the tests' own), else any free
 * one; the peer port is etcd's 2380 when free. Ports in `avoid` are ones another process took from under
 * an earlier attempt, and the two never coincide.
 */
export async function chooseEtcdPorts(preferred: number, keepPort: number | undefined, avoid: ReadonlySet<number>): Promise<EtcdPorts> {
  const usable = async (port: number | undefined, not?: number): Promise<boolean> =>
    port !== undefined && port !== not && !avoid.has(port) && (await isPortFree(port));
  const anyFree = async (not?: number): Promise<number> => {
    for (;;) {
      const port = await pickPort();
      if (port !== not && !avoid.has(port)) return port;
    }
  };
  const client = (await usable(keepPort)) ? (keepPort as number) : (await usable(preferred)) ? preferred : await anyFree();
  const peer = (await usable(2380, client)) ? 2380 : await anyFree(client);
  return { client, peer };
}

/**
 * The port etcd could not bind, from its log: a port free when it was chosen can be taken in the instant
 * before etcd binds it (another etcd starting for another home, or any program's outgoing connection,
 * which the kernel gives a port from the same range). Real etcd says so in one line:
 * `"error":"listen tcp 127.0.0.1:2379: bind: address already in use"`.
 */
export function portTakenAtBind(logLines: readonly string[]): number | undefined {
  for (const line of logLines) {
    const m = /listen tcp [^\s"]*:(\d+): bind: address already in use/.exec(line);
    if (m) return Number(m[1]);
  }
  return undefined;
}
