import { t } from '../../contract/i18n.ts';
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

const stateLabel = (state: OverallState): string => t(`tray.state.${state}`);

export function describeAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return t('tray.age.seconds', { n: s });
  const m = Math.floor(s / 60);
  if (m < 60) return t('tray.age.minutes', { n: m });
  return t('tray.age.hours', { n: Math.floor(m / 60) });
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
  const lines: TrayMenuItem[] = [{ type: 'status', id: 'status-state', label: t('tray.headline', { state: stateLabel(status.state), profile: status.profile }) }];
  status.reasons
    .filter((r) => r.code !== 'healthy')
    .slice(0, 3)
    .forEach((r, i) => lines.push({ type: 'status', id: `status-reason-${i}`, label: r.message }));
  if (status.lastHeartbeatAt) {
    const age = status.at - Date.parse(status.lastHeartbeatAt);
    if (!Number.isNaN(age)) lines.push({ type: 'status', id: 'status-heartbeat', label: t('tray.lastHeartbeat', { age: describeAge(age) }) });
  }

  const running = status.state !== 'stopped' && !(status.state === 'error' && status.containerId === undefined);
  const url = gatewayUrl(status);
  const actions: TrayMenuItem[] = [
    { type: 'action', id: 'launch', label: t('tray.launch'), enabled: status.engine.ready && status.state === 'stopped' },
    { type: 'action', id: 'stop', label: t('tray.stop'), enabled: running && status.containerId !== undefined },
    { type: 'action', id: 'restart', label: t('tray.restart'), enabled: status.engine.ready && status.containerId !== undefined },
  ];
  if (status.reasons.some((r) => r.action === 'renew-cert')) {
    actions.push({ type: 'action', id: 'renew-cert', label: t('tray.renew'), enabled: true });
  }

  return {
    iconKey: `gateway-${status.state}`,
    tooltip: [t('tray.tooltip', { state: stateLabel(status.state) }), status.reasons[0]?.message].filter(Boolean).join('\n'),
    menu: [
      ...lines,
      { type: 'separator', id: 'sep-status' },
      ...actions,
      { type: 'separator', id: 'sep-actions' },
      { type: 'action', id: 'open-window', label: t('tray.openWindow'), enabled: true },
      { type: 'action', id: 'copy-url', label: url ? t('tray.copyUrlWith', { url }) : t('tray.copyUrl'), enabled: url !== undefined && status.state !== 'stopped' },
      { type: 'separator', id: 'sep-quit' },
      { type: 'action', id: 'quit', label: t('tray.quit'), enabled: true },
    ],
  };
}
