import { useState, type FormEvent } from 'react';
import { addProfileSchema, type ProfileView } from '../../../src/contract/ipc-contract.ts';
import { t } from '../../../src/contract/i18n.ts';
import { fieldsOfRemoteError, issuesByField, type FieldErrors } from '../common/field-errors.ts';
import { ModuleSelect } from '../common/ModuleSelect.tsx';
import { TextField } from '../common/TextField.tsx';
import { useApi } from '../hooks/api-context.ts';
import { RecalledProfileNote } from './RecalledProfileNote.tsx';
import { useRecalledProfile } from './use-recalled-profile.ts';

/**
 * Adds a local or cloud profile; every field says what is wrong with it, before anything is sent. A name
 * that a removed profile had (or that a gateway container left in Docker still carries) starts from those
 * ports and image, and says so, rather than silently from the defaults; the user can opt out.
 */
export function AddProfileForm({ onAdded, defaultKind = 'cloud' }: { onAdded: (p: ProfileView) => void; defaultKind?: 'local' | 'cloud' }) {
  const api = useApi();
  const [kind, setKind] = useState<'local' | 'cloud'>(defaultKind);
  const [name, setName] = useState('');
  const [apiUrl, setApiUrl] = useState('');
  const [token, setToken] = useState('');
  const [module, setModule] = useState('auto');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const { recalled, restore, setRestore, carried, clear } = useRecalledProfile(name, true, (r) => {
    if (r.kind) setKind(r.kind);
    if (r.apiUrl) setApiUrl(r.apiUrl);
    if (r.module) setModule(r.module);
  });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const arg = kind === 'local' ? { name, kind, module, ...carried } : { name, kind, apiUrl, token, module, ...carried };
    const parsed = addProfileSchema.safeParse(arg);
    if (!parsed.success) return setErrors(issuesByField(parsed.error));
    setErrors({});
    setBusy(true);
    try {
      onAdded(await api.addProfile(parsed.data));
      setName('');
      setToken('');
      clear();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      // An existing profile is never replaced (its ports and image stay): the message belongs to the name.
      setErrors(/already exists/.test(message) ? { name: message } : fieldsOfRemoteError(message));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <div className="grid-2 fields">
        <div className="field">
          <label htmlFor="add-kind">{t('settings.kind')}</label>
          <select id="add-kind" value={kind} onChange={(e) => setKind(e.target.value as 'local' | 'cloud')}>
            <option value="local">{t('settings.kindLocal')}</option>
            <option value="cloud">{t('settings.kindCloud')}</option>
          </select>
        </div>
        <TextField id="add-name" label={t('cp.name')} value={name} onChange={setName} error={errors.name} messageTestId="error-name" spellCheck={false} />
        {kind === 'cloud' ? (
          <>
            <TextField id="add-url" label={t('cp.address')} value={apiUrl} onChange={setApiUrl} error={errors.apiUrl} messageTestId="error-apiUrl" placeholder="https://api.example.com" spellCheck={false} />
            <TextField id="add-token" type="password" label={t('cp.token')} value={token} onChange={setToken} error={errors.token} messageTestId="error-token" autoComplete="off" />
          </>
        ) : null}
      </div>
      {recalled ? <RecalledProfileNote recalled={recalled} restore={restore} onRestore={setRestore} /> : null}
      <ModuleSelect id="add-module" value={module} onChange={setModule} />
      {errors[''] ? (
        <p className="callout callout-bad" role="alert">
          {errors['']}
        </p>
      ) : null}
      <div className="buttons">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('common.working') : t('settings.addProfile')}
        </button>
      </div>
    </form>
  );
}
