import { Container, Database, RotateCcw, Server, Waypoints, type LucideIcon } from 'lucide-react';
import type { ComponentStateView, StatusSnapshot } from '../../../src/contract/ipc-contract.ts';
import { t } from '../../../src/contract/i18n.ts';
import { ConfirmDialog } from '../common/ConfirmDialog.tsx';
import { useConfirm } from '../common/use-confirm.ts';
import { useToast } from '../common/toast-context.ts';
import { useApi } from '../hooks/api-context.ts';
import { useAction } from '../hooks/use-action.ts';
import { useLive } from '../hooks/use-live.ts';
import type { Tone } from '../view/state-view.ts';
import { componentViews, type ComponentView } from './component-views.ts';

const ICONS: Record<ComponentView['id'], LucideIcon> = { engine: Container, etcd: Database, 'control-plane': Waypoints, gateway: Server };

function Badge({ tone, text }: { tone: Tone; text: string }) {
  return <span className={`pill tone-${tone}`}>{text}</span>;
}

type Restartable = ComponentStateView['id'];

/**
 * The parts the gateway runs on: Docker, etcd, the control plane and the gateway container, with the
 * supervisor's state, pid or container, port and log for etcd and the control plane, and a Restart
 * (asked first) for what this app runs.
 */
export function Components({ snapshot }: { snapshot: StatusSnapshot }) {
  const api = useApi();
  const toast = useToast();
  // The supervisor says when a component changes state (a statusChanged), so this re-reads then.
  const supervised = useLive(() => api.components(), ['statusChanged']);
  const confirm = useConfirm<Restartable>();
  const restart = useAction(async (id: Restartable) => {
    confirm.close();
    try {
      await api.restartComponent({ id });
      toast({ tone: 'ok', text: t('components.restarted', { name: t(`components.${id}`) }) });
    } catch (e) {
      toast({ tone: 'bad', text: t('action.failed', { action: t('components.restart'), message: e instanceof Error ? e.message : String(e) }) });
    } finally {
      supervised.reload();
    }
  });
  return (
    <div className="components">
      <p className="muted lead">{t('components.intro')}</p>
      <div className="grid-2">
        {componentViews(snapshot, supervised.data ?? []).map((c) => {
          const Icon = ICONS[c.id];
          const id = c.id;
          return (
            <section key={c.id} className="card component" aria-labelledby={`comp-${c.id}`} data-component={c.id}>
              <div className="component-head">
                <Icon aria-hidden="true" size={22} />
                <h2 id={`comp-${c.id}`}>{t(`components.${c.id}`)}</h2>
                <Badge tone={c.tone} text={t(c.stateLabel)} />
              </div>
              <dl className="facts">
                {c.facts.map(([k, v]) => (
                  <div className="fact" key={k}>
                    <dt>{t(k)}</dt>
                    <dd>
                      <code>{v}</code>
                    </dd>
                  </div>
                ))}
              </dl>
              {c.detail ? <p className="small tone-warn">{c.detail}</p> : null}
              {c.note ? <p className="muted small">{t(c.note)}</p> : null}
              {c.restartable && (id === 'etcd' || id === 'control-plane') ? (
                <div className="buttons">
                  <button type="button" disabled={restart.busy} onClick={() => confirm.ask(id)} data-testid={`restart-${id}`}>
                    <RotateCcw aria-hidden="true" size={16} />
                    {t('components.restart')}
                  </button>
                </div>
              ) : null}
            </section>
          );
        })}
      </div>
      <ConfirmDialog
        open={confirm.open}
        title={confirm.pending ? t('confirm.component.title', { name: t(`components.${confirm.pending}`) }) : ''}
        confirmLabel={t('components.restart')}
        onCancel={confirm.close}
        onConfirm={() => confirm.pending && void restart.run(confirm.pending)}
      >
        <p>{t('confirm.component.body')}</p>
      </ConfirmDialog>
    </div>
  );
}
