import { useCallback } from 'react';
import { t } from '../../../src/contract/i18n.ts';
import { useApi } from '../hooks/api-context.ts';
import { useLive } from '../hooks/use-live.ts';

/** Step 1: is Docker there? Says which endpoint was tried and how to fix it, with a retry. */
export function EngineStep({ onNext }: { onNext: () => void }) {
  const api = useApi();
  const check = useLive(useCallback(() => api.checkEngine(), [api]), []);
  const c = check.data;
  return (
    <section aria-labelledby="engine-h">
      <h3 id="engine-h">{t('wizard.step.engine')}</h3>
      <div role="status" aria-live="polite">
        {!c && !check.error ? <p>{t('engine.checking')}</p> : null}
        {c?.ok ? <p className="ok">{t('engine.ok', { version: c.version ?? '' })}</p> : null}
        {c && !c.ok ? (
          <div className="error" role="alert">
            <p>{t('engine.failed', { problem: c.problem ?? '' })}</p>
            <p>{t('engine.fix', { hint: c.fixHint ?? '' })}</p>
          </div>
        ) : null}
        {c ? <p className="muted">{t('engine.endpoint', { endpoint: c.endpoint, reason: c.reason })}</p> : null}
      </div>
      {check.error ? <p role="alert">{t('common.error', { message: check.error.message })}</p> : null}
      <div className="buttons">
        {c && !c.ok ? (
          <button type="button" onClick={check.reload}>
            {t('common.retry')}
          </button>
        ) : null}
        <button type="button" className="primary" disabled={!c?.ok} onClick={onNext}>
          {t('common.next')}
        </button>
      </div>
    </section>
  );
}
