import { useState } from 'react';
import { t } from '../../../src/contract/i18n.ts';

/** A value with a copy button; the label names what is copied, for screen readers. */
export function CopyField({ label, value, testId }: { label: string; value: string | undefined; testId?: string }) {
  const [note, setNote] = useState('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value ?? '');
      setNote(t('common.copied'));
    } catch {
      setNote(t('common.copyFailed'));
    }
  };
  return (
    <div className="copy-field">
      <dt>{label}</dt>
      <dd>
        <code data-testid={testId}>{value ?? t('common.none')}</code>
        <button type="button" onClick={() => void copy()} disabled={!value} aria-label={t('common.copyLabel', { what: label })}>
          {t('common.copy')}
        </button>
        <span className="note" aria-live="polite">
          {note}
        </span>
      </dd>
    </div>
  );
}
