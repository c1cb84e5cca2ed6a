import { t } from '../../../src/contract/i18n.ts';

/** An error, announced to screen readers, with an optional retry. */
export function ErrorNote({ error, onRetry }: { error: Error | undefined; onRetry?: () => void }) {
  if (!error) return null;
  return (
    <div className="error" role="alert">
      <p>{t('common.error', { message: error.message })}</p>
      {onRetry ? (
        <button type="button" onClick={onRetry}>
          {t('common.retry')}
        </button>
      ) : null}
    </div>
  );
}
