import { PortInUseError } from '../engine/errors.ts';
import { assertPortsFree } from '../engine/port-check.ts';
import type { ContainerInfo } from '../engine/types.ts';
import { publishedGatewayPorts } from './published-ports.ts';

export type PortRole = 'proxyHttp' | 'proxyHttps' | 'control' | 'prometheus';
export const PORT_ROLES: readonly PortRole[] = ['proxyHttp', 'proxyHttps', 'control', 'prometheus'];

/**
 * Where one port stands: free; held by this profile's own running gateway (it keeps it, a relaunch
 * adopts it); held by another profile's running gateway (named); or held by some other process.
 */
export type PortState = { state: 'free' } | { state: 'own' } | { state: 'profile'; profile: string } | { state: 'process' };
export type PortReport = PortState & { port: number; suggestion?: number };

async function bindable(port: number): Promise<boolean> {
  try {
    await assertPortsFree([{ containerPort: 0, hostPort: port }]);
    return true;
  } catch (err) {
    if (err instanceof PortInUseError) return false;
    throw err;
  }
}

/** Host port → the profile whose running gateway publishes it. */
function heldByGateways(running: ContainerInfo[]): Map<number, string> {
  const held = new Map<number, string>();
  for (const c of running) {
    if (!c.running || !c.profile) continue;
    for (const p of c.ports) held.set(p.hostPort, c.profile);
    for (const p of Object.values(publishedGatewayPorts(c))) if (p !== undefined) held.set(p, c.profile);
  }
  return held;
}

/** The next port above `from` that binds and is neither held by a gateway nor in `avoid`. */
export async function nextFreePort(from: number, avoid: ReadonlySet<number>, held: ReadonlyMap<number, string> = new Map()): Promise<number | undefined> {
  for (let p = Math.max(1024, from + 1); p <= 65535 && p < from + 500; p += 1) {
    if (avoid.has(p) || held.has(p)) continue;
    if (await bindable(p)) return p;
  }
  return undefined;
}

/**
 * Checks a profile's ports before they are saved or launched: each one's state, and for each one in
 * use a free port to take instead. `running` are the managed gateway containers Docker lists.
 */
export async function checkPortAvailability(profile: string, ports: Record<PortRole, number>, running: ContainerInfo[]): Promise<Record<PortRole, PortReport>> {
  const held = heldByGateways(running);
  const asked = new Set(Object.values(ports));
  const out = {} as Record<PortRole, PortReport>;
  const suggested = new Set<number>();
  for (const role of PORT_ROLES) {
    const port = ports[role];
    const holder = held.get(port);
    let state: PortState;
    if (holder === profile) state = { state: 'own' };
    else if (holder !== undefined) state = { state: 'profile', profile: holder };
    else state = (await bindable(port)) ? { state: 'free' } : { state: 'process' };
    let suggestion: number | undefined;
    if (state.state === 'profile' || state.state === 'process') {
      suggestion = await nextFreePort(port, new Set([...asked, ...suggested]), held);
      if (suggestion !== undefined) suggested.add(suggestion);
    }
    out[role] = { ...state, port, ...(suggestion !== undefined ? { suggestion } : {}) };
  }
  return out;
}
