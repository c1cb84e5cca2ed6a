import { FileText, KeyRound, Play, RefreshCw, RotateCcw, Square } from 'lucide-react';
import type { StatusSnapshot } from '../../../src/contract/ipc-contract.ts';
import type { StatusAction } from '../../../src/core/status/gateway-status.ts';
import { t } from '../../../src/contract/i18n.ts';
import { ConfirmDialog } from '../common/ConfirmDialog.tsx';
import { useConfirm } from '../common/use-confirm.ts';
import { useToast } from '../common/toast-context.ts';
import { useApi } from '../hooks/api-context.ts';
import { useAction } from '../hooks/use-action.ts';
import { STATE_ICONS } from '../layout/StatePill.tsx';
import { offeredActions } from '../view/state-actions.ts';
import { stateView } from '../view/state-view.ts';

const ACTION_ICONS: Record<StatusAction, typeof Play> = { launch: Play, stop: Square, restart: RotateCcw, 'renew-cert': KeyRound, 'show-logs': FileText, 'start-docker': RefreshCw, retry: RefreshCw };
/** Stopping takes the gateway off its ports: asked first. */
const CONFIRM: ReadonlySet<StatusAction> = new Set(['stop']);

/** The overall state, what it means, its reasons, and buttons for what can be done about it. */
export function StateCard({ snapshot, onShowLogs }: { snapshot: StatusSnapshot; onShowLogs: () => void }) {
  const api = useApi();
  const toast = useToast();
  const s = snapshot.status;
  const view = stateView(s.state);
  const Icon = STATE_ICONS[view.icon];
  const confirm = useConfirm<StatusAction>();
  const act = useAction(async (a: StatusAction) => {
    try {
      if (a === 'launch') await api.launch();
      else if (a === 'stop') await api.stop();
      else if (a === 'restart') await api.restart();
      else if (a === 'renew-cert') await api.renewCertificate();
      else if (a === 'show-logs') return onShowLogs();
      else await api.refreshStatus();
      toast({ tone: 'ok', text: t(`action.done.${a}`) });
    } catch (e) {
      toast({ tone: 'bad', text: t('action.failed', { action: t(`action.${a}`), message: e instanceof Error ? e.message : String(e) }) });
    }
  });
  const actions = offeredActions(s);
  const run = (a: StatusAction) => (CONFIRM.has(a) ? confirm.ask(a) : void act.run(a));
  return (
    <section className={`card state-card tone-${view.tone}`} aria-labelledby="state-h">
      <div className="state-head">
        <Icon aria-hidden="true" size={34} className={`state-icon ${view.icon === 'loader' ? 'spin' : ''}`} />
        <div>
          <h2 id="state-h" className="card-kicker">
            {t('state.label')}
          </h2>
          <p role="status" aria-live="polite" className="state-line">
            <strong data-testid="gateway-state" data-state={s.state}>
              {t(view.label)}
            </strong>
          </p>
          <p className="muted">{snapshot.launching ? snapshot.launching.message : t(view.hint)}</p>
        </div>
      </div>
      {s.reasons.length ? (
        <ul className="reasons">
          {s.reasons.map((r) => (
            <li key={r.code} data-code={r.code}>
              {r.message}
            </li>
          ))}
        </ul>
      ) : null}
      <div className="buttons" role="group" aria-label={t('dash.actions')}>
        {actions.map((a) => {
          const A = ACTION_ICONS[a];
          return (
            <button key={a} type="button" className={a === 'launch' ? 'primary' : undefined} onClick={() => run(a)} disabled={act.busy || Boolean(snapshot.launching)}>
              <A aria-hidden="true" size={16} />
              {t(`action.${a}`)}
            </button>
          );
        })}
      </div>
      {act.busy ? (
        <p role="status" className="muted">
          {t('common.working')}
        </p>
      ) : null}
      <ConfirmDialog
        open={confirm.open}
        title={t('confirm.stop.title', { name: snapshot.profile.name })}
        confirmLabel={t('action.stop')}
        onCancel={confirm.close}
        onConfirm={() => {
          const a = confirm.pending;
          confirm.close();
          if (a) void act.run(a);
        }}
      >
        <p>{t('confirm.stop.body')}</p>
      </ConfirmDialog>
    </section>
  );
}
