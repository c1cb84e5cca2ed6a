import { Link2, Unplug } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { t } from '../../src/contract/i18n.ts';
import { useConnection, useConnectionState } from './hooks/connection-context.ts';

/**
 * Says so when the bridge is down (browser mode), while the page greys its values. Reconnects by
 * itself to the same server; a restarted `ui --web` has a new token (and maybe a new port), so the
 * banner asks for its new link, which can also be pasted into the address bar.
 */
export function ConnectionBanner() {
  const connection = useConnection();
  const state = useConnectionState();
  const [link, setLink] = useState('');
  const [problem, setProblem] = useState('');
  if (!connection || state === 'up' || state === 'connecting') return null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setProblem(connection.useLink(link.trim()) ? '' : t('conn.badLink'));
  };
  return (
    <div className={`banner banner-${state}`} role="alert" data-testid="connection-banner" data-state={state}>
      <Unplug aria-hidden="true" size={18} />
      <div className="banner-text">
        <strong>{state === 'refused' ? t('conn.refused') : t('conn.down')}</strong>
        <span>{t('conn.askLink')}</span>
        <form onSubmit={submit} className="inline-form">
          <label className="visually-hidden" htmlFor="new-link">
            {t('conn.linkLabel')}
          </label>
          <input id="new-link" value={link} onChange={(e) => setLink(e.target.value)} placeholder="http://127.0.0.1:…/#token=…" spellCheck={false} aria-describedby={problem ? 'new-link-problem' : undefined} />
          <button type="submit">
            <Link2 aria-hidden="true" size={16} />
            {t('conn.useLink')}
          </button>
        </form>
        {problem ? (
          <span id="new-link-problem" className="field-error">
            {problem}
          </span>
        ) : null}
      </div>
    </div>
  );
}
