import { useState, type FormEvent } from 'react';
import { addProfileSchema } from '../../../src/contract/ipc-contract.ts';
import { t } from '../../../src/contract/i18n.ts';
import { useApi } from '../hooks/api-context.ts';
import { fieldsOfRemoteError, issuesByField, type FieldErrors } from '../common/field-errors.ts';
import { ModuleSelect } from '../common/ModuleSelect.tsx';
import { TextField } from '../common/TextField.tsx';
import { RecalledProfileNote } from '../settings/RecalledProfileNote.tsx';
import { useRecalledProfile } from '../settings/use-recalled-profile.ts';

/**
 * Step 2: the embedded local control plane, or a cloud one with its address and token. Fields are
 * checked before anything is sent, and each message stands beside its field; Next stays Next. A cloud
 * profile's name used before starts from that profile's ports and image, and says so, as in the settings.
 */
export function ControlPlaneStep({ onNext, onBack }: { onNext: () => void; onBack: () => void }) {
  const api = useApi();
  const [kind, setKind] = useState<'local' | 'cloud'>('local');
  const [name, setName] = useState('cloud');
  const [apiUrl, setApiUrl] = useState('');
  const [token, setToken] = useState('');
  const [module, setModule] = useState('auto');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  // What the user typed stays: only empty fields are filled from the recalled profile.
  const { recalled, restore, setRestore, carried } = useRecalledProfile(name, kind === 'cloud', (r) => {
    if (r.apiUrl) setApiUrl((typed) => typed || r.apiUrl!);
    if (r.module) setModule((chosen) => (chosen === 'auto' ? r.module! : chosen));
  });
  const save = async () => {
    const profiles = await api.listProfiles();
    if (kind === 'local') {
      const local = profiles.find((p) => p.kind === 'local');
      if (!local) await api.addProfile({ name: 'local', kind: 'local' });
      if (!local?.isDefault) await api.useProfile({ name: local?.name ?? 'local' });
      return;
    }
    const parsed = addProfileSchema.safeParse({ name, kind: 'cloud', apiUrl, token, module, ...carried });
    if (!parsed.success) throw Object.assign(new Error('invalid'), { fields: issuesByField(parsed.error) });
    // An existing profile keeps its ports and image: only its address, token and module change.
    if (profiles.some((p) => p.name === name)) await api.updateProfile({ name, apiUrl, token, module });
    else await api.addProfile(parsed.data);
    await api.useProfile({ name });
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setErrors({});
    setBusy(true);
    try {
      await save();
      onNext();
    } catch (err) {
      const fields = (err as { fields?: FieldErrors }).fields;
      setErrors(fields ?? fieldsOfRemoteError(err instanceof Error ? err.message : String(err)));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} aria-labelledby="step-title" noValidate>
      <fieldset className="choices">
        <legend>{t('cp.legend')}</legend>
        <label className={`choice-card ${kind === 'local' ? 'selected' : ''}`}>
          <input type="radio" name="cp-kind" value="local" checked={kind === 'local'} onChange={() => setKind('local')} />
          <span>{t('cp.local')}</span>
        </label>
        <label className={`choice-card ${kind === 'cloud' ? 'selected' : ''}`}>
          <input type="radio" name="cp-kind" value="cloud" checked={kind === 'cloud'} onChange={() => setKind('cloud')} />
          <span>{t('cp.cloud')}</span>
        </label>
      </fieldset>
      {kind === 'cloud' ? (
        <div className="fields">
          <TextField id="cp-name" label={t('cp.name')} value={name} onChange={setName} error={errors.name} messageTestId="error-name" spellCheck={false} />
          <TextField id="cp-url" label={t('cp.address')} value={apiUrl} onChange={setApiUrl} error={errors.apiUrl} messageId="cp-apiUrl-msg" messageTestId="error-apiUrl" placeholder="https://api.example.com" spellCheck={false} />
          <TextField id="cp-token" type="password" label={t('cp.token')} value={token} onChange={setToken} error={errors.token} hint={t('cp.tokenHint')} messageTestId="error-token" autoComplete="off" />
          {recalled ? <RecalledProfileNote recalled={recalled} restore={restore} onRestore={setRestore} /> : null}
          <ModuleSelect id="cp-module" value={module} onChange={setModule} />
        </div>
      ) : null}
      {errors[''] ? (
        <p className="callout callout-bad" role="alert" data-testid="error-general">
          {errors['']}
        </p>
      ) : null}
      <div className="buttons spread">
        <button type="button" onClick={onBack}>
          {t('common.back')}
        </button>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? t('common.working') : t('common.next')}
        </button>
      </div>
    </form>
  );
}
