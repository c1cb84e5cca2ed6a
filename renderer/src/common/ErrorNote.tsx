import { CircleAlert } from 'lucide-react';
import { t } from '../../../src/contract/i18n.ts';

/** An error, announced to screen readers, with an optional retry. */
export function ErrorNote({ error, onRetry }: { error: Error | string | undefined; onRetry?: () => void }) {
  if (!error) return null;
  const message = typeof error === 'string' ? error : error.message;
  return (
    <div className="callout callout-bad" role="alert">
      <CircleAlert aria-hidden="true" size={18} />
      <p>{message}</p>
      {onRetry ? (
        <button type="button" onClick={onRetry}>
          {t('common.retry')}
        </button>
      ) : null}
    </div>
  );
}
