import { useState, type FormEvent } from 'react';
import { t } from '../../../src/contract/i18n.ts';
import { useApi } from '../hooks/api-context.ts';
import { useAction } from '../hooks/use-action.ts';
import { ErrorNote } from '../common/ErrorNote.tsx';
import { ModuleSelect } from '../common/ModuleSelect.tsx';

/** Step 2: the embedded local control plane, or a cloud one with its address and token. */
export function ControlPlaneStep({ onNext, onBack }: { onNext: () => void; onBack: () => void }) {
  const api = useApi();
  const [kind, setKind] = useState<'local' | 'cloud'>('local');
  const [name, setName] = useState('cloud');
  const [apiUrl, setApiUrl] = useState('');
  const [token, setToken] = useState('');
  const [module, setModule] = useState('auto');
  const save = useAction(async () => {
    const profiles = await api.listProfiles();
    if (kind === 'local') {
      const local = profiles.find((p) => p.kind === 'local');
      if (!local) await api.addProfile({ name: 'local', kind: 'local' });
      if (!local?.isDefault) await api.useProfile({ name: local?.name ?? 'local' });
    } else {
      const existing = profiles.find((p) => p.name === name);
      if (existing) await api.updateProfile({ name, apiUrl, token, module });
      else await api.addProfile({ name, kind: 'cloud', apiUrl, token, module });
      await api.useProfile({ name });
    }
    onNext();
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save.run();
  };
  return (
    <form onSubmit={submit} aria-labelledby="cp-h">
      <h3 id="cp-h">{t('wizard.step.controlPlane')}</h3>
      <fieldset>
        <legend>{t('cp.legend')}</legend>
        <label className="choice">
          <input type="radio" name="cp-kind" value="local" checked={kind === 'local'} onChange={() => setKind('local')} />
          {t('cp.local')}
        </label>
        <label className="choice">
          <input type="radio" name="cp-kind" value="cloud" checked={kind === 'cloud'} onChange={() => setKind('cloud')} />
          {t('cp.cloud')}
        </label>
      </fieldset>
      {kind === 'cloud' ? (
        <fieldset>
          <label>
            {t('cp.name')}
            <input value={name} onChange={(e) => setName(e.target.value)} required pattern="[a-z0-9][a-z0-9-]{0,31}" />
          </label>
          <label>
            {t('cp.address')}
            <input type="url" value={apiUrl} onChange={(e) => setApiUrl(e.target.value)} required placeholder="https://api.example.com" />
          </label>
          <label>
            {t('cp.token')}
            <input type="password" value={token} onChange={(e) => setToken(e.target.value)} required autoComplete="off" aria-describedby="token-hint" />
          </label>
          <p id="token-hint" className="muted">
            {t('cp.tokenHint')}
          </p>
          <ModuleSelect id="cp-module" value={module} onChange={setModule} />
        </fieldset>
      ) : null}
      <ErrorNote error={save.error} />
      <div className="buttons">
        <button type="button" onClick={onBack}>
          {t('common.back')}
        </button>
        <button type="submit" className="primary" disabled={save.busy}>
          {save.busy ? t('common.working') : save.error ? t('common.retry') : t('common.next')}
        </button>
      </div>
    </form>
  );
}
