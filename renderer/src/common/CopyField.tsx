import { Check, Copy } from 'lucide-react';
import { useState } from 'react';
import { t } from '../../../src/contract/i18n.ts';

/** A value with a copy button beside it (never under it); the label names what is copied. */
export function CopyField({ label, value, testId }: { label: string; value: string | undefined; testId?: string }) {
  const [copied, setCopied] = useState<boolean>();
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value ?? '');
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <div className="fact copy-field">
      <dt>{label}</dt>
      <dd>
        <code className="copy-value" data-testid={testId} title={value}>
          {value ?? t('common.none')}
        </code>
        <button type="button" className="icon-button" onClick={() => void copy()} disabled={!value} aria-label={t('common.copyLabel', { what: label })} title={t('common.copyLabel', { what: label })}>
          {copied ? <Check aria-hidden="true" size={16} /> : <Copy aria-hidden="true" size={16} />}
        </button>
        <span className="visually-hidden" aria-live="polite">
          {copied === true ? t('common.copied') : copied === false ? t('common.copyFailed') : ''}
        </span>
      </dd>
    </div>
  );
}
