import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { writeFileAtomic } from '../credentials/atomic-write.ts';
import { isPortFree } from './free-port.ts';
import { describePortHolder, findPortHolder } from './port-holder.ts';

export const DEFAULT_API_PORT = 7080;
export const DEFAULT_DP_PORT = 7443;

const portsSchema = z.object({ apiPort: z.number().int().min(1).max(65535), dpPort: z.number().int().min(1).max(65535) });
export type ControlPlanePorts = z.infer<typeof portsSchema>;

/**
 * `control-plane/ports.json`: the ports this home's control plane took the first time, kept for good,
 * because every gateway's config.yaml names the data-plane port. The embedded and the background
 * control plane read the same file. background.json (older) is read when ports.json is missing.
 */
export const portsFile = (cpDir: string): string => join(cpDir, 'ports.json');

export function readRememberedPorts(cpDir: string): ControlPlanePorts | undefined {
  for (const file of [portsFile(cpDir), join(cpDir, 'background.json')]) {
    try {
      return portsSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    } catch {
      // missing or not ours: try the next
    }
  }
  return undefined;
}

export function rememberPorts(cpDir: string, ports: ControlPlanePorts): void {
  writeFileAtomic(portsFile(cpDir), `${JSON.stringify(ports)}\n`, 0o600);
}

export type PortRole = 'management API' | 'data-plane endpoint';

/** A remembered port that stayed taken, so the control plane took another one. */
export interface PortMove {
  role: PortRole;
  from: number;
  /** Filled in once the control plane listens. */
  to?: number;
  /** "pid 123 (nc -l 7443)", or "" when /proc does not tell. */
  holder: string;
}

/** How long a taken remembered port is waited for: the holder may be the old control plane still exiting. */
export const DEFAULT_PORT_WAIT_MS = 10_000;

/**
 * The ports to listen on: the remembered ones, waiting up to `waitMs` for one that is taken (a control plane
 * that is just stopping); one still taken then is given up for any free port (0), and named in `moved`,
 * because a control plane that does not start helps nobody: the caller remembers the new port and re-renders
 * the gateways whose config.yaml names the old one. The first time: the defaults when free, else any.
 */
export async function choosePorts(
  cpDir: string,
  opts: { waitMs?: number; log?: (line: string) => void } = {},
): Promise<{ ports: { apiPort: number; dpPort: number }; remembered: boolean; moved: PortMove[] }> {
  const remembered = readRememberedPorts(cpDir);
  if (!remembered) {
    return { ports: { apiPort: (await isPortFree(DEFAULT_API_PORT)) ? DEFAULT_API_PORT : 0, dpPort: (await isPortFree(DEFAULT_DP_PORT)) ? DEFAULT_DP_PORT : 0 }, remembered: false, moved: [] };
  }
  const waitMs = opts.waitMs ?? DEFAULT_PORT_WAIT_MS;
  const deadline = Date.now() + waitMs;
  const ports = { ...remembered };
  const moved: PortMove[] = [];
  let said = false;
  for (const [key, role] of [['dpPort', 'data-plane endpoint'], ['apiPort', 'management API']] as const) {
    const port = remembered[key];
    while (!(await isPortFree(port))) {
      const holder = describePortHolder(findPortHolder(port));
      if (Date.now() >= deadline) {
        opts.log?.(`The control plane's ${role} port ${port} is still taken${holder ? ` by ${holder}` : ''} after ${Math.round(waitMs / 1000)} s; moving to a free port.`);
        moved.push({ role, from: port, holder });
        ports[key] = 0;
        break;
      }
      if (!said) opts.log?.(`The control plane's ${role} port ${port} is taken${holder ? ` by ${holder}` : ''}; waiting up to ${Math.round(waitMs / 1000)} s for it to be free.`);
      said = true;
      await sleep(250);
    }
  }
  return { ports, remembered: true, moved };
}

/**
 * Remembers the ports the control plane bound, fills in where each move went, and says so: a moved
 * data-plane port means every gateway of this home must be re-rendered, which the caller does or announces.
 */
export function rememberBoundPorts(cpDir: string, bound: ControlPlanePorts, moved: PortMove[], log?: (line: string) => void): void {
  rememberPorts(cpDir, bound);
  for (const m of moved) {
    m.to = m.role === 'data-plane endpoint' ? bound.dpPort : bound.apiPort;
    log?.(`The control plane's ${m.role} moved from port ${m.from} to ${m.to} (remembered in ${portsFile(cpDir)}).`);
  }
}
