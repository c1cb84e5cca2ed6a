import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { GatewayError } from './errors.ts';

/** assets/agent of this package: src/core/gateway and dist/core/gateway are both three levels down. */
export const PACKAGED_AGENT_DIR = resolve(import.meta.dirname, '../../../assets/agent');

/**
 * The agent folder to mount at /cloud_lua_module. The packaged desktop app passes its resources path;
 * GATEWAY_TRAY_AGENT_DIR overrides both, for a developer working on the agent.
 */
export function resolveAgentDir(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  const dir = env.GATEWAY_TRAY_AGENT_DIR?.trim() || explicit || PACKAGED_AGENT_DIR;
  if (!existsSync(join(dir, 'gateway_tray_agent', 'hook.lua'))) {
    throw new GatewayError('module', `The gateway agent is missing: ${dir} has no gateway_tray_agent/hook.lua. Reinstall Gateway Tray, or point GATEWAY_TRAY_AGENT_DIR at the agent folder.`);
  }
  return dir;
}
