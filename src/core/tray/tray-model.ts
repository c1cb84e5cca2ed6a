import type { GatewayStatus, OverallState } from '../status/gateway-status.ts';

/** Commands a menu item triggers; the shell maps each to the core action of the same name. */
export type TrayCommand = 'launch' | 'stop' | 'restart' | 'renew-cert' | 'open-window' | 'copy-url' | 'quit';

/** A plain, Electron-free menu template; the shell turns it into a Menu on every change. */
export type TrayMenuItem =
  | { type: 'status'; id: string; label: string }
  | { type: 'separator'; id: string }
  | { type: 'action'; id: TrayCommand; label: string; enabled: boolean };

export interface TrayModel {
  /** Names a file in assets/tray: `<iconKey>[-dark][@2x].png`. */
  iconKey: `gateway-${OverallState}`;
  tooltip: string;
  menu: TrayMenuItem[];
}

const STATE_LABEL: Record<OverallState, string> = {
  stopped: 'Stopped',
  starting: 'Starting…',
  healthy: 'Healthy',
  degraded: 'Degraded',
  lost: 'Connection lost',
  error: 'Error',
};

export function describeAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  return `${Math.floor(m / 60)} h ago`;
}

export function gatewayUrl(status: GatewayStatus): string | undefined {
  const port = status.ports?.http;
  return port ? `http://127.0.0.1:${port}` : undefined;
}

/**
 * What the tray shows is a pure function of one status. Status lines head the menu because Linux tray
 * hosts (AppIndicator) often show no tooltip at all.
 */
export function trayModel(status: GatewayStatus): TrayModel {
  const headline = `Gateway: ${STATE_LABEL[status.state]}`;
  const lines: TrayMenuItem[] = [{ type: 'status', id: 'status-state', label: `${headline} (${status.profile})` }];
  status.reasons
    .filter((r) => r.code !== 'healthy')
    .slice(0, 3)
    .forEach((r, i) => lines.push({ type: 'status', id: `status-reason-${i}`, label: r.message }));
  if (status.lastHeartbeatAt) {
    const age = status.at - Date.parse(status.lastHeartbeatAt);
    if (!Number.isNaN(age)) lines.push({ type: 'status', id: 'status-heartbeat', label: `Last heartbeat: ${describeAge(age)}` });
  }

  const running = status.state !== 'stopped' && !(status.state === 'error' && status.containerId === undefined);
  const url = gatewayUrl(status);
  const actions: TrayMenuItem[] = [
    { type: 'action', id: 'launch', label: 'Launch gateway', enabled: status.engine.ready && status.state === 'stopped' },
    { type: 'action', id: 'stop', label: 'Stop gateway', enabled: running && status.containerId !== undefined },
    { type: 'action', id: 'restart', label: 'Restart gateway', enabled: status.engine.ready && status.containerId !== undefined },
  ];
  if (status.reasons.some((r) => r.action === 'renew-cert')) {
    actions.push({ type: 'action', id: 'renew-cert', label: 'Renew certificate', enabled: true });
  }

  return {
    iconKey: `gateway-${status.state}`,
    tooltip: [`Gateway Tray — ${STATE_LABEL[status.state]}`, status.reasons[0]?.message].filter(Boolean).join('\n'),
    menu: [
      ...lines,
      { type: 'separator', id: 'sep-status' },
      ...actions,
      { type: 'separator', id: 'sep-actions' },
      { type: 'action', id: 'open-window', label: 'Open status window…', enabled: true },
      { type: 'action', id: 'copy-url', label: url ? `Copy gateway URL (${url})` : 'Copy gateway URL', enabled: url !== undefined && status.state !== 'stopped' },
      { type: 'separator', id: 'sep-quit' },
      { type: 'action', id: 'quit', label: 'Quit Gateway Tray', enabled: true },
    ],
  };
}
