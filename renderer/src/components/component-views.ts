import type { StatusSnapshot } from '../../../src/contract/ipc-contract.ts';
import type { MessageKey } from '../../../src/contract/i18n.ts';
import type { Tone } from '../view/state-view.ts';

export interface ComponentView {
  id: 'engine' | 'control-plane' | 'etcd' | 'gateway';
  tone: Tone;
  stateLabel: MessageKey;
  facts: Array<[MessageKey, string]>;
  note?: MessageKey;
}

/** What the status snapshot says about each component, as cards; pure, so it is tested in node. */
export function componentViews(snapshot: StatusSnapshot): ComponentView[] {
  const s = snapshot.status;
  const local = snapshot.profile.kind === 'local';
  const cpDown = s.reasons.some((r) => r.code === 'control-plane-unavailable' || r.code.startsWith('control-plane'));
  // The status's config-centre-down reason sends the user here: the etcd card must agree with it.
  const etcdDown = s.reasons.some((r) => r.code === 'config-centre-down' || r.reason === 'config-centre-down');
  const running = Boolean(s.containerId) && s.state !== 'stopped';
  const ports = snapshot.publishedPorts ?? s.ports;
  const views: ComponentView[] = [
    {
      id: 'engine',
      tone: s.engine.ready ? 'ok' : 'bad',
      stateLabel: s.engine.ready ? 'components.ready' : 'components.unavailable',
      facts: [['components.endpoint', s.engine.endpoint ?? '—']],
    },
    {
      id: 'control-plane',
      tone: cpDown ? 'bad' : 'ok',
      stateLabel: cpDown ? 'components.unavailable' : 'components.ready',
      facts: [['components.kind', local ? 'local (embedded)' : 'cloud'], ...(snapshot.profile.apiUrl ? ([['components.address', snapshot.profile.apiUrl]] as Array<[MessageKey, string]>) : [])],
    },
  ];
  if (local) {
    views.push({ id: 'etcd', tone: etcdDown ? 'bad' : cpDown ? 'warn' : 'ok', stateLabel: etcdDown ? 'components.unavailable' : cpDown ? 'components.unknown' : 'components.ready', facts: [['components.image', snapshot.settings.etcdImage ?? 'PATH etcd, or the default image']], note: 'components.etcdNote' });
  }
  views.push({
    id: 'gateway',
    tone: !running ? 'neutral' : s.state === 'healthy' ? 'ok' : s.state === 'degraded' || s.state === 'starting' ? 'warn' : 'bad',
    stateLabel: `state.${s.state}` as MessageKey,
    facts: [
      ['components.container', s.containerId?.slice(0, 12) ?? '—'],
      ['components.image', snapshot.profile.image],
      ['components.ports', ports ? Object.entries(ports).map(([k, v]) => `${k} ${v}`).join(', ') : '—'],
    ],
  });
  return views;
}
