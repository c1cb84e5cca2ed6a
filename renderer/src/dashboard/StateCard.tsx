import { FileText, KeyRound, Play, RefreshCw, RotateCcw, Square } from 'lucide-react';
import { useCallback } from 'react';
import type { StatusSnapshot } from '../../../src/contract/ipc-contract.ts';
import type { StatusAction } from '../../../src/core/status/gateway-status.ts';
import { t } from '../../../src/contract/i18n.ts';
import { ConfirmDialog } from '../common/ConfirmDialog.tsx';
import { useConfirm } from '../common/use-confirm.ts';
import { useToast } from '../common/toast-context.ts';
import { ReasonCallout } from '../common/ReasonCallout.tsx';
import { useApi } from '../hooks/api-context.ts';
import { useLive } from '../hooks/use-live.ts';
import { useAction } from '../hooks/use-action.ts';
import { STATE_ICONS } from '../layout/StatePill.tsx';
import { confirmationOf } from '../view/confirmations.ts';
import { reasonHelp, type FixKind } from '../view/reason-help.ts';
import { offeredActions } from '../view/state-actions.ts';
import { stateView } from '../view/state-view.ts';

const ACTION_ICONS: Record<StatusAction, typeof Play> = { launch: Play, stop: Square, restart: RotateCcw, 'renew-cert': KeyRound, 'show-logs': FileText, 'start-docker': RefreshCw, retry: RefreshCw };

/** The fixes that open another part of the window; the rest are gateway actions run here. */
export type NavigateFix = Extract<FixKind, 'set-token' | 'ports' | 'image' | 'components' | 'profiles'>;
const ACTION_OF_FIX: Partial<Record<FixKind, StatusAction>> = { 'renew-cert': 'renew-cert', restart: 'restart', launch: 'launch', 'show-logs': 'show-logs', retry: 'retry' };

/**
 * The overall state, what it means, its reasons (each with its own message and the button that fixes
 * it), and buttons for what can be done about it.
 */
export function StateCard({ snapshot, onShowLogs, onNavigate }: { snapshot: StatusSnapshot; onShowLogs: () => void; onNavigate: (fix: NavigateFix) => void }) {
  const api = useApi();
  const info = useLive(useCallback(() => api.getInfo(), [api]), []);
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
  // Stop, Restart and a renewal that restarts the gateway interrupt what it serves: asked first.
  const run = (a: StatusAction) => (confirmationOf(a, s) ? confirm.ask(a) : void act.run(a));
  const asked = confirm.pending ? confirmationOf(confirm.pending, s) : undefined;
  const fix = (f: FixKind) => {
    const a = ACTION_OF_FIX[f];
    if (a) run(a);
    else onNavigate(f as NavigateFix);
  };
  const kind = snapshot.profile.kind;
  // A failed launch leaves the state as it was (often Stopped): its reason is shown until the next launch.
  const failed = snapshot.lastLaunchError;
  const failedHelp = failed && !snapshot.launching && s.state !== 'healthy' ? reasonHelp(failed.reason, kind) : undefined;
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
      {failedHelp && failed ? (
        <ReasonCallout reason={failed.reason!} help={failedHelp} detail={failed.message} heading={t('launch.lastFailed')} {...(info.data ? { platform: info.data.platform } : {})} busy={act.busy} onFix={fix} />
      ) : null}
      {s.reasons.length ? (
        <ul className="reasons">
          {s.reasons.map((r) => {
            const help = reasonHelp(r.reason, kind);
            return (
              <li key={r.code} data-code={r.code} className={help ? 'with-help' : undefined}>
                {help && r.reason ? <ReasonCallout reason={r.reason} help={help} detail={r.message} {...(info.data ? { platform: info.data.platform } : {})} busy={act.busy} onFix={fix} /> : r.message}
              </li>
            );
          })}
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
        title={asked ? t(asked.title, { name: snapshot.profile.name }) : ''}
        confirmLabel={asked ? t(asked.confirm) : ''}
        onCancel={confirm.close}
        onConfirm={() => {
          const a = confirm.pending;
          confirm.close();
          if (a) void act.run(a);
        }}
      >
        <p>{asked ? t(asked.body) : ''}</p>
      </ConfirmDialog>
    </section>
  );
}
