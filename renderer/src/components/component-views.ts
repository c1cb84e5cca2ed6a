import type { ComponentStateView, StatusSnapshot } from '../../../src/contract/ipc-contract.ts';
import type { MessageKey } from '../../../src/contract/i18n.ts';
import type { Tone } from '../view/state-view.ts';

export interface ComponentView {
  id: 'engine' | 'control-plane' | 'etcd' | 'gateway';
  tone: Tone;
  stateLabel: MessageKey;
  facts: Array<[MessageKey, string]>;
  note?: MessageKey;
  /** Why the supervisor says it is not running (the core's words). */
  detail?: string;
  /** The supervisor can restart it from here (asked first). */
  restartable?: boolean;
}

const PHASE_TONE: Record<ComponentStateView['phase'], Tone> = { starting: 'warn', running: 'ok', degraded: 'warn', restarting: 'warn', failed: 'bad', stopped: 'neutral' };

/** The supervisor's word on a component: its state, and its pid or container, port and log as facts. */
function supervised(view: ComponentView, c: ComponentStateView | undefined, statusSaysDown: boolean): ComponentView {
  if (!c) return view;
  const facts: Array<[MessageKey, string]> = [
    ...view.facts,
    c.container ? ['components.container', c.container.slice(0, 12)] : ['components.pid', c.pid !== undefined ? String(c.pid) : '—'],
    ['components.port', c.port !== undefined ? String(c.port) : (c.url ?? '—')],
    ['components.log', c.logFile ?? (c.container ? `docker logs ${c.container.slice(0, 12)}` : '—')],
  ];
  // The status may see the config centre down before the supervisor's next check: the card agrees with the status.
  const down = statusSaysDown && c.phase === 'running';
  return {
    ...view,
    tone: down ? 'bad' : PHASE_TONE[c.phase],
    stateLabel: down ? 'components.unavailable' : (`components.phase.${c.phase}` as MessageKey),
    facts,
    ...(c.reason ? { detail: c.reason } : {}),
    restartable: c.restartable,
  };
}

/** What the status snapshot says about each component, as cards; pure, so it is tested in node. */
export function componentViews(snapshot: StatusSnapshot, components: ComponentStateView[] = []): ComponentView[] {
  const of = (id: ComponentStateView['id']) => components.find((c) => c.id === id);
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
    supervised(
      {
        id: 'control-plane',
        tone: cpDown ? 'bad' : 'ok',
        stateLabel: cpDown ? 'components.unavailable' : 'components.ready',
        facts: [['components.kind', local ? 'local (embedded)' : 'cloud'], ...(snapshot.profile.apiUrl ? ([['components.address', snapshot.profile.apiUrl]] as Array<[MessageKey, string]>) : [])],
      },
      local ? of('control-plane') : undefined,
      cpDown,
    ),
  ];
  if (local) {
    views.push(
      supervised(
        { id: 'etcd', tone: etcdDown ? 'bad' : cpDown ? 'warn' : 'ok', stateLabel: etcdDown ? 'components.unavailable' : cpDown ? 'components.unknown' : 'components.ready', facts: [['components.image', snapshot.settings.etcdImage ?? 'PATH etcd, or the default image']], note: 'components.etcdNote' },
        of('etcd'),
        etcdDown,
      ),
    );
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
