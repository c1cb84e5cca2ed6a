import { FileText, KeyRound, Play, RefreshCw, RotateCcw, Square } from 'lucide-react';
import { useCallback, useEffect, useState } from 'react';
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
import { useCancelLaunch } from '../launch/use-cancel-launch.ts';
import { useLaunchProgress } from '../launch/use-launch-progress.ts';
import { isCancellation } from '../view/cancel-outcome.ts';
import { confirmationOf } from '../view/confirmations.ts';
import { reasonHelp, type FixKind } from '../view/reason-help.ts';
import { offeredActions } from '../view/state-actions.ts';
import { stateView } from '../view/state-view.ts';
import { tokenMissing } from '../view/token-missing.ts';
import { LaunchPanel } from './LaunchPanel.tsx';

const ACTION_ICONS: Record<StatusAction, typeof Play> = { launch: Play, stop: Square, restart: RotateCcw, 'renew-cert': KeyRound, 'show-logs': FileText, 'start-docker': RefreshCw, retry: RefreshCw };

/** The fixes that open another part of the window; the rest are gateway actions run here. */
export type NavigateFix = Extract<FixKind, 'set-token' | 'ports' | 'image' | 'components' | 'profiles'>;
const ACTION_OF_FIX: Partial<Record<FixKind, StatusAction>> = { 'renew-cert': 'renew-cert', restart: 'restart', launch: 'launch', 'show-logs': 'show-logs', retry: 'retry' };

/**
 * The overall state, what it means, its reasons (each with its own message and the button that fixes
 * it), and buttons for what can be done about it. While a launch runs (from here or the tray), its
 * stages and a Cancel take the buttons' place.
 */
export function StateCard({ snapshot, onShowLogs, onNavigate }: { snapshot: StatusSnapshot; onShowLogs: () => void; onNavigate: (fix: NavigateFix) => void }) {
  const api = useApi();
  const info = useLive(useCallback(() => api.getInfo(), [api]), []);
  const toast = useToast();
  const s = snapshot.status;
  const view = stateView(s.state);
  const Icon = STATE_ICONS[view.icon];
  const confirm = useConfirm<StatusAction>();
  const progress = useLaunchProgress();
  const cancel = useCancelLaunch();
  // Our own launch, from the click on: the snapshot says so only once its first stage is reported.
  const [launchingHere, setLaunchingHere] = useState(false);
  const launch = async () => {
    progress.reset();
    cancel.forget();
    setLaunchingHere(true);
    try {
      await api.launch();
    } finally {
      setLaunchingHere(false);
    }
  };
  const act = useAction(async (a: StatusAction) => {
    try {
      if (a === 'launch') await launch();
      else if (a === 'stop') await api.stop();
      else if (a === 'restart') await api.restart();
      else if (a === 'renew-cert') await api.renewCertificate();
      else if (a === 'show-logs') return onShowLogs();
      else await api.refreshStatus();
      toast({ tone: 'ok', text: t(`action.done.${a}`) });
    } catch (e) {
      // A cancelled launch is told by the cancel, once the core has rolled it back.
      if (a === 'launch' && cancel.asked.current) return;
      toast({ tone: 'bad', text: t('action.failed', { action: t(`action.${a}`), message: e instanceof Error ? e.message : String(e) }) });
    }
  });
  const noToken = tokenMissing(snapshot);
  // With no token a launch can only fail: setting the token is the way on, Launch comes back after.
  const actions = offeredActions(s).filter((a) => !(noToken && a === 'launch'));
  const launching = Boolean(snapshot.launching) || launchingHere;
  // A launch that ended leaves nothing to show: the next one (from here or the tray) starts clean.
  const { reset } = progress;
  useEffect(() => {
    if (!launching) reset();
  }, [launching, reset]);
  // The events' latest stage when this window saw one, else the snapshot's (a window opened mid-launch).
  const latest = launching ? (progress.latest ?? snapshot.launching) : undefined;
  // While the launch panel shows the stages, the status's "launching" reason (a bare stage id) says nothing more.
  const reasons = launching ? s.reasons.filter((r) => r.code !== 'launching') : s.reasons;
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
  // A cancelled launch is not a failure to explain: the card is simply back where it was.
  const failedHelp = failed && !launching && s.state !== 'healthy' && !isCancellation(failed) ? reasonHelp(failed.reason, kind) : undefined;
  const tokenHelp = noToken ? reasonHelp('token-missing', kind) : undefined;
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
          <p className="muted">{latest ? latest.message : t(view.hint)}</p>
        </div>
      </div>
      {tokenHelp ? <ReasonCallout reason="token-missing" help={tokenHelp} {...(info.data ? { platform: info.data.platform } : {})} busy={act.busy} onFix={fix} /> : null}
      {failedHelp && failed && !tokenHelp ? (
        <ReasonCallout reason={failed.reason!} help={failedHelp} detail={failed.message} heading={t('launch.lastFailed')} {...(info.data ? { platform: info.data.platform } : {})} busy={act.busy} onFix={fix} />
      ) : null}
      {reasons.length ? (
        <ul className="reasons">
          {reasons.map((r) => {
            const help = reasonHelp(r.reason, kind);
            return (
              <li key={r.code} data-code={r.code} className={help ? 'with-help' : undefined}>
                {help && r.reason ? <ReasonCallout reason={r.reason} help={help} detail={r.message} {...(info.data ? { platform: info.data.platform } : {})} busy={act.busy} onFix={fix} /> : r.message}
              </li>
            );
          })}
        </ul>
      ) : null}
      {launching ? (
        <LaunchPanel stages={info.data?.stages ?? []} latest={latest} progress={progress} cancel={cancel} />
      ) : (
        <div className="buttons" role="group" aria-label={t('dash.actions')}>
          {actions.map((a) => {
            const A = ACTION_ICONS[a];
            return (
              <button key={a} type="button" className={a === 'launch' ? 'primary' : undefined} onClick={() => run(a)} disabled={act.busy}>
                <A aria-hidden="true" size={16} />
                {t(`action.${a}`)}
              </button>
            );
          })}
        </div>
      )}
      {act.busy && !launching ? (
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
