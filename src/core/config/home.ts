import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Every setting and every piece of data lives under one folder, so tests (and users with
 * several setups) can point the whole app elsewhere with GATEWAY_TRAY_HOME.
 */
export function gatewayTrayHome(env: NodeJS.ProcessEnv = process.env): string {
  const override = env.GATEWAY_TRAY_HOME?.trim();
  if (override) return override;
  return join(homedir(), '.gateway-tray');
}
