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

export class PortTakenError extends Error {
  override name = 'PortTakenError';
  constructor(
    readonly port: number,
    readonly role: 'management API' | 'data-plane endpoint',
    readonly holder: string,
    waitedMs: number,
  ) {
    super(
      `The control plane's ${role} port ${port} is taken${holder ? ` by ${holder}` : ''}, and still was after ${Math.round(waitedMs / 1000)} s. ` +
        `This home's gateways are configured for this port, so the control plane does not move: stop what holds it and try again.`,
    );
  }
}

/**
 * The ports to listen on: the remembered ones, waiting up to `waitMs` for one that is taken (a control plane
 * that is just stopping), never moving silently; the defaults the first time when free, else any free
 * port (0), remembered once the control plane listens.
 */
export async function choosePorts(cpDir: string, opts: { waitMs?: number; log?: (line: string) => void } = {}): Promise<{ ports: { apiPort: number; dpPort: number }; remembered: boolean }> {
  const remembered = readRememberedPorts(cpDir);
  if (!remembered) {
    return { ports: { apiPort: (await isPortFree(DEFAULT_API_PORT)) ? DEFAULT_API_PORT : 0, dpPort: (await isPortFree(DEFAULT_DP_PORT)) ? DEFAULT_DP_PORT : 0 }, remembered: false };
  }
  const waitMs = opts.waitMs ?? 15_000;
  const deadline = Date.now() + waitMs;
  let said = false;
  for (const [port, role] of [[remembered.dpPort, 'data-plane endpoint'], [remembered.apiPort, 'management API']] as const) {
    while (!(await isPortFree(port))) {
      const holder = describePortHolder(findPortHolder(port));
      if (Date.now() >= deadline) throw new PortTakenError(port, role, holder, waitMs);
      if (!said) opts.log?.(`The control plane's ${role} port ${port} is taken${holder ? ` by ${holder}` : ''}; waiting up to ${Math.round(waitMs / 1000)} s for it to be free.`);
      said = true;
      await sleep(250);
    }
  }
  return { ports: remembered, remembered: true };
}
