import { useState, type FormEvent } from 'react';
import type { ProfileView } from '../../../src/contract/ipc-contract.ts';
import { t } from '../../../src/contract/i18n.ts';
import { useApi } from '../hooks/api-context.ts';

/** A new token for an existing cloud profile: revoked, or lost with a damaged secrets file. */
export function SetTokenForm({ profile, onSet, openAtStart = false }: { profile: ProfileView; onSet: () => void; openAtStart?: boolean }) {
  const api = useApi();
  const [open, setOpen] = useState(!profile.hasToken || openAtStart);
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const id = `token-${profile.name}`;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await api.setProfileToken({ name: profile.name, token: token.trim() });
      setToken('');
      setOpen(false);
      onSet();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)} data-testid={`set-token-${profile.name}`}>
        {t('settings.setToken')}
      </button>
    );
  }
  return (
    <form className="set-token" onSubmit={(e) => void submit(e)} noValidate data-testid={`set-token-form-${profile.name}`}>
      {profile.hasToken ? null : <p className="callout callout-bad">{t('settings.noToken')}</p>}
      <div className="field">
        <label htmlFor={id}>{t('settings.setTokenLabel', { name: profile.name })}</label>
        <input id={id} type="password" value={token} onChange={(e) => setToken(e.target.value)} autoComplete="off" aria-describedby={`${id}-msg`} aria-invalid={Boolean(error)} />
        <span id={`${id}-msg`} className={error ? 'field-error' : 'muted small'} role={error ? 'alert' : undefined}>
          {error ?? t('settings.setTokenHint')}
        </span>
      </div>
      <div className="buttons">
        <button type="submit" className="primary" disabled={busy || token.trim() === ''}>
          {t('common.save')}
        </button>
        {profile.hasToken ? (
          <button type="button" onClick={() => setOpen(false)} disabled={busy}>
            {t('common.cancel')}
          </button>
        ) : null}
      </div>
    </form>
  );
}
