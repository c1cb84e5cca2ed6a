import { useCallback, useEffect, useRef, useState } from 'react';
import type { LaunchOutcome, LaunchProgressEvent } from '../../../src/contract/ipc-contract.ts';
import { t, isMessageKey } from '../../../src/contract/i18n.ts';
import { useApi } from '../hooks/api-context.ts';
import { useLive } from '../hooks/use-live.ts';
import { LaunchStages, type StageState } from './LaunchStages.tsx';

/** Step 4: launch, with each stage, the module download and the pull progress as they happen; a failure can be retried. */
export function LaunchStep({ onNext, onBack }: { onNext: () => void; onBack: () => void }) {
  const api = useApi();
  const info = useLive(useCallback(() => api.getInfo(), [api]), []);
  const [states, setStates] = useState<Record<string, StageState>>({});
  const [pull, setPull] = useState<LaunchProgressEvent['pull']>();
  const [download, setDownload] = useState<LaunchProgressEvent['download']>();
  // The stage being run, read when a launch fails (a ref: the failure arrives in an older closure).
  const current = useRef<string>(undefined);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const [outcome, setOutcome] = useState<LaunchOutcome>();

  useEffect(
    () =>
      api.on('launchProgress', (p) => {
        current.current = p.stage;
        setStates((s) => ({ ...s, [p.stage]: p.status }));
        if (p.pull) setPull(p.pull);
        if (p.download) setDownload(p.download);
      }),
    [api],
  );

  const launch = async () => {
    setBusy(true);
    setError(undefined);
    setStates({});
    setPull(undefined);
    setDownload(undefined);
    current.current = undefined;
    try {
      setOutcome(await api.launch());
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      // The core names the stage that failed (the error's code); else the one that was running.
      const stage = (err as { code?: string }).code ?? current.current;
      setError(err);
      if (stage) setStates((s) => ({ ...s, [stage]: 'failed' }));
    } finally {
      setBusy(false);
    }
  };
  const failedStage = error ? ((error as { code?: string }).code ?? current.current ?? '') : '';
  const stageKey = `stage.${failedStage}`;
  return (
    <section aria-labelledby="launch-h">
      <h3 id="launch-h">{t('wizard.step.launch')}</h3>
      <LaunchStages stages={info.data?.stages ?? []} states={states} {...(pull ? { pull } : {})} {...(download ? { download } : {})} />
      <div role="status" aria-live="polite">
        {busy ? <p>{t('launch.running')}</p> : null}
        {outcome ? <p className="ok">{t('launch.done', { container: outcome.containerId.slice(0, 12) })}</p> : null}
      </div>
      {error ? (
        <div className="error" role="alert">
          <p>{t('launch.failed', { stage: isMessageKey(stageKey) ? t(stageKey) : failedStage, message: error.message })}</p>
        </div>
      ) : null}
      <div className="buttons">
        <button type="button" onClick={onBack} disabled={busy}>
          {t('common.back')}
        </button>
        {outcome ? (
          <button type="button" className="primary" onClick={onNext}>
            {t('common.next')}
          </button>
        ) : (
          <button type="button" className="primary" onClick={() => void launch()} disabled={busy}>
            {error ? t('common.retry') : t('launch.start')}
          </button>
        )}
      </div>
    </section>
  );
}
