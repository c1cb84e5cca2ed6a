import { ArrowLeft, Play } from 'lucide-react';
import { useCallback, useState } from 'react';
import type { LaunchOutcome, PortReportView, PortRoleName, ProfileView } from '../../../src/contract/ipc-contract.ts';
import { t } from '../../../src/contract/i18n.ts';
import { durationText } from '../common/format.ts';
import { PORT_KEYS, portReportMessage } from '../common/port-fields.ts';
import { useApi } from '../hooks/api-context.ts';
import { useLive } from '../hooks/use-live.ts';
import { useNow } from '../hooks/use-now.ts';
import { CancelLaunchButton } from '../launch/CancelLaunchButton.tsx';
import { useCancelLaunch } from '../launch/use-cancel-launch.ts';
import { useLaunchProgress } from '../launch/use-launch-progress.ts';
import { LaunchStages, stageName } from './LaunchStages.tsx';
import { ReasonCallout } from '../common/ReasonCallout.tsx';
import { reasonHelp, type FixKind } from '../view/reason-help.ts';
import { SetTokenForm } from '../settings/SetTokenForm.tsx';

/**
 * The fixes the wizard can do itself: its ports step has the ports and the image, a refused or missing
 * token is set right here (then the launch runs again); the rest is a new launch.
 */
export const WIZARD_FIXES: ReadonlySet<FixKind> = new Set(['ports', 'image', 'docker-help', 'retry', 'launch', 'set-token']);

type BusyPorts = Array<{ role: PortRoleName; message: string }>;

/**
 * Step 4: launch, with each stage, the module download and the pull as they happen. A failure names
 * its stage; when ports are in use, every one of them is named and the ports step is offered.
 */
export function LaunchStep({ onNext, onBack, onPorts, kind = 'local' }: { onNext: () => void; onBack: () => void; onPorts: () => void; kind?: 'local' | 'cloud' }) {
  const api = useApi();
  const info = useLive(useCallback(() => api.getInfo(), [api]), []);
  const progress = useLaunchProgress();
  const { states, timings, pull, pullRate, download } = progress;
  const cancel = useCancelLaunch();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ stage: string; message: string; reason?: string }>();
  const [busyPorts, setBusyPorts] = useState<BusyPorts>([]);
  const [outcome, setOutcome] = useState<LaunchOutcome>();
  // The profile whose token is being set, after a launch refused for it.
  const [tokenFor, setTokenFor] = useState<ProfileView>();
  const now = useNow(busy ? 200 : 1000);

  const findBusyPorts = async () => {
    try {
      // The ports the launch used: read again, the snapshot this step got may predate the ports step's save.
      const { profile: saved } = await api.getStatus();
      const r: Record<PortRoleName, PortReportView> = await api.checkPorts({ name: saved.name, ports: saved.ports });
      setBusyPorts(PORT_KEYS.flatMap((role) => (portReportMessage(r[role]) ? [{ role, message: portReportMessage(r[role])! }] : [])));
    } catch {
      setBusyPorts([]);
    }
  };

  const launch = async () => {
    setBusy(true);
    setError(undefined);
    setTokenFor(undefined);
    setBusyPorts([]);
    progress.reset();
    cancel.forget();
    try {
      setOutcome(await api.launch());
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      // The core names the stage that failed (the error's code); else the one that was running.
      const stage = (err as { code?: string }).code ?? progress.current.current ?? '';
      // Cancelled here and rolled back cleanly: said as a cancellation (with Launch again), not a
      // failure, whatever the stage's message carries; the cancel's toast says how it ended.
      const cancelled = cancel.asked.current && !/Rolling back also failed/.test(err.message);
      const reason = cancelled ? 'cancelled' : (err as { reason?: unknown }).reason;
      setError({ stage, message: err.message, ...(typeof reason === 'string' ? { reason } : {}) });
      if (stage) progress.fail(stage);
      if (stage === 'preflight' && /port/i.test(err.message)) await findBusyPorts();
    } finally {
      setBusy(false);
    }
  };
  const stages = info.data?.stages ?? [];
  const failedStage = error ? stageName(stages.find((s) => s.id === error.stage) ?? { id: error.stage }) : '';
  // Ports in use have their own list and way back, below; other reasons get their message and fix here.
  const help = error && error.reason !== 'port-in-use' ? reasonHelp(error.reason, kind) : undefined;
  const fix = (f: FixKind) => {
    if (f === 'ports' || f === 'image') return onPorts();
    // The profile read now: the one the launch used, whatever the snapshot this step got says.
    if (f === 'set-token') return void api.getStatus().then((s) => setTokenFor(s.profile), () => undefined);
    void launch();
  };
  return (
    <section aria-labelledby="step-title">
      <LaunchStages stages={stages} states={states} timings={timings} now={now} {...(pull ? { pull } : {})} {...(pullRate !== undefined ? { pullRate } : {})} {...(download ? { download } : {})} />
      <div role="status" aria-live="polite">
        {busy ? <p className="muted">{t('launch.running')}</p> : null}
        {outcome ? (
          <p className="callout callout-ok" data-testid="launch-done">
            {t('launch.doneIn', { container: outcome.containerId.slice(0, 12), time: durationText(outcome.durationMs) })}
          </p>
        ) : null}
      </div>
      {error ? (
        <div className="callout callout-bad" role="alert" data-testid="launch-error">
          <div>
            {error.reason === 'cancelled' ? null : <p>{t('launch.failed', { stage: failedStage, message: error.message })}</p>}
            {help && error.reason && WIZARD_FIXES.has(help.fix) ? <ReasonCallout reason={error.reason} help={help} {...(info.data ? { platform: info.data.platform } : {})} onFix={fix} /> : null}
            {tokenFor ? <SetTokenForm profile={tokenFor} openAtStart onSet={() => void launch()} /> : null}
            {busyPorts.length > 0 ? (
              <>
                <p>{t('launch.portsInUse', { n: busyPorts.length })}</p>
                <ul data-testid="busy-ports">
                  {busyPorts.map((b) => (
                    <li key={b.role}>
                      {t(`ports.${b.role}`)}: {b.message}
                    </li>
                  ))}
                </ul>
                <button type="button" onClick={onPorts} data-testid="back-to-ports">
                  <ArrowLeft aria-hidden="true" size={16} />
                  {t('launch.backToPorts')}
                </button>
              </>
            ) : null}
          </div>
        </div>
      ) : null}
      <div className="buttons spread">
        <button type="button" onClick={onBack} disabled={busy}>
          {t('common.back')}
        </button>
        {outcome ? (
          <button type="button" className="primary" onClick={onNext}>
            {t('common.next')}
          </button>
        ) : busy ? (
          // Cancelling rolls back what the launch made so far; its toast says how that went.
          <CancelLaunchButton cancel={cancel} />
        ) : (
          <button type="button" className="primary" onClick={() => void launch()}>
            <Play aria-hidden="true" size={16} />
            {error ? t('launch.again') : t('launch.start')}
          </button>
        )}
      </div>
    </section>
  );
}
