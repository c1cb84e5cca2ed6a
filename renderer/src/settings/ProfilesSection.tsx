import { useCallback, useState, type FormEvent } from 'react';
import { t } from '../../../src/contract/i18n.ts';
import { useApi } from '../hooks/api-context.ts';
import { useAction } from '../hooks/use-action.ts';
import { useLive } from '../hooks/use-live.ts';
import { ErrorNote } from '../common/ErrorNote.tsx';
import { ModuleSelect } from '../common/ModuleSelect.tsx';

/** Profiles: which is the default, switch, remove, and add a local or cloud one. */
export function ProfilesSection() {
  const api = useApi();
  const profiles = useLive(useCallback(() => api.listProfiles(), [api]), ['settingsChanged']);
  const [kind, setKind] = useState<'local' | 'cloud'>('cloud');
  const [name, setName] = useState('');
  const [apiUrl, setApiUrl] = useState('');
  const [token, setToken] = useState('');
  const [module, setModule] = useState('auto');
  const use = useAction((n: string) => api.useProfile({ name: n }));
  const remove = useAction((n: string) => api.removeProfile({ name: n }));
  const changeModule = useAction(async (n: string, setting: string) => {
    await api.updateProfile({ name: n, module: setting });
    profiles.reload();
  });
  const add = useAction(async () => {
    await (kind === 'local' ? api.addProfile({ name, kind, module }) : api.addProfile({ name, kind, apiUrl, token, module }));
    setName('');
    setToken('');
    profiles.reload();
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void add.run();
  };
  return (
    <section aria-labelledby="profiles-h" className="card">
      <h2 id="profiles-h">{t('settings.profiles')}</h2>
      <ul className="profiles">
        {(profiles.data ?? []).map((p) => (
          <li key={p.name}>
            <strong>{p.name}</strong> <span className="muted">({p.kind === 'local' ? t('settings.kindLocal') : `${t('settings.kindCloud')} ${p.apiUrl ?? ''}`})</span>{' '}
            <ModuleSelect key={`${p.name}-${p.module}`} id={`module-${p.name}`} label={t('settings.moduleOf', { name: p.name })} value={p.module} commitUrlOnBlur onChange={(setting) => void changeModule.run(p.name, setting)} />{' '}
            {p.isDefault ? (
              <span className="badge">{t('settings.default')}</span>
            ) : (
              <>
                <button type="button" onClick={() => void use.run(p.name)} aria-label={t('settings.useLabel', { name: p.name })}>
                  {t('settings.use')}
                </button>
                <button type="button" onClick={() => void remove.run(p.name)} aria-label={t('settings.removeLabel', { name: p.name })}>
                  {t('common.remove')}
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
      <ErrorNote error={profiles.error ?? use.error ?? remove.error ?? changeModule.error} />
      <form onSubmit={submit}>
        <fieldset>
          <legend>{t('settings.addProfile')}</legend>
          <label>
            {t('settings.kind')}
            <select value={kind} onChange={(e) => setKind(e.target.value as 'local' | 'cloud')}>
              <option value="local">{t('settings.kindLocal')}</option>
              <option value="cloud">{t('settings.kindCloud')}</option>
            </select>
          </label>
          <label>
            {t('cp.name')}
            <input value={name} onChange={(e) => setName(e.target.value)} required pattern="[a-z0-9][a-z0-9-]{0,31}" />
          </label>
          {kind === 'cloud' ? (
            <>
              <label>
                {t('cp.address')}
                <input type="url" value={apiUrl} onChange={(e) => setApiUrl(e.target.value)} required />
              </label>
              <label>
                {t('cp.token')}
                <input type="password" value={token} onChange={(e) => setToken(e.target.value)} required autoComplete="off" />
              </label>
            </>
          ) : null}
          <ModuleSelect id="add-module" value={module} onChange={setModule} />
          <button type="submit" disabled={add.busy}>
            {add.busy ? t('common.working') : t('settings.addProfile')}
          </button>
        </fieldset>
        <ErrorNote error={add.error} />
      </form>
    </section>
  );
}
