import { useState, type FormEvent } from 'react';
import type { ProfileView } from '../../../src/contract/ipc-contract.ts';
import { t } from '../../../src/contract/i18n.ts';
import { TextField } from '../common/TextField.tsx';
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
      <TextField id={id} type="password" label={t('settings.setTokenLabel', { name: profile.name })} value={token} onChange={setToken} error={error} note={t('settings.setTokenHint')} announce autoComplete="off" />
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
