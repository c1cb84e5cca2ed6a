import { CircleCheck, CircleX, LoaderCircle, RefreshCw } from 'lucide-react';
import { useCallback } from 'react';
import { t } from '../../../src/contract/i18n.ts';
import { useApi } from '../hooks/api-context.ts';
import { useLive } from '../hooks/use-live.ts';

/** Step 1: is Docker there? Says which endpoint was tried and how to fix it, with a check again. */
export function EngineStep({ onNext }: { onNext: () => void }) {
  const api = useApi();
  const check = useLive(useCallback(() => api.checkEngine(), [api]), []);
  const c = check.data;
  return (
    <section aria-labelledby="step-title">
      <div role="status" aria-live="polite">
        {!c && !check.error ? (
          <p className="status-line">
            <LoaderCircle aria-hidden="true" size={18} className="spin" />
            {t('engine.checking')}
          </p>
        ) : null}
        {c?.ok ? (
          <p className="status-line tone-ok">
            <CircleCheck aria-hidden="true" size={18} />
            {t('engine.ok', { version: c.version ?? '' })}
          </p>
        ) : null}
        {c && !c.ok ? (
          <div className="callout callout-bad" role="alert">
            <CircleX aria-hidden="true" size={18} />
            <div>
              <p>{t('engine.failed', { problem: c.problem ?? '' })}</p>
              <p>{t('engine.fix', { hint: c.fixHint ?? '' })}</p>
            </div>
          </div>
        ) : null}
        {c ? <p className="muted small">{t('engine.endpoint', { endpoint: c.endpoint, reason: c.reason })}</p> : null}
      </div>
      {check.error ? <p role="alert">{check.error.message}</p> : null}
      <div className="buttons end">
        {c && !c.ok ? (
          <button type="button" onClick={check.reload}>
            <RefreshCw aria-hidden="true" size={16} />
            {t('engine.checkAgain')}
          </button>
        ) : null}
        <button type="button" className="primary" disabled={!c?.ok} onClick={onNext}>
          {t('common.next')}
        </button>
      </div>
    </section>
  );
}
