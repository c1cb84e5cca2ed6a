import type { GatewayStatus, StatusAction } from '../../../src/core/status/gateway-status.ts';

/**
 * Whether a gateway runs, for the buttons: a container that Docker runs (or restarts, or has paused).
 * An Error with an exited container is not running: Restart and Stop cannot fix it, Launch can.
 */
export function gatewayRuns(s: Pick<GatewayStatus, 'containerId' | 'containerState' | 'state'>): boolean {
  if (!s.containerId || s.state === 'stopped') return false;
  if (s.containerState === undefined) return s.state !== 'error';
  return s.containerState === 'running' || s.containerState === 'restarting' || s.containerState === 'paused';
}

/** The buttons offered for a status: what its reasons say fixes them first, then the usual ones. */
export function offeredActions(s: Pick<GatewayStatus, 'containerId' | 'containerState' | 'state' | 'reasons'>): StatusAction[] {
  const base: StatusAction[] = gatewayRuns(s) ? ['restart', 'stop'] : s.containerId ? ['launch', 'stop'] : ['launch'];
  const fromReasons = s.reasons.map((r) => r.action).filter((a): a is StatusAction => a !== undefined);
  return [...new Set([...fromReasons, ...base])];
}
