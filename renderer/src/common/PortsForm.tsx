import { useEffect, useState, type FormEvent } from 'react';
import type { ProfileView } from '../../../src/contract/ipc-contract.ts';
import { t, type MessageKey } from '../../../src/contract/i18n.ts';
import { useApi } from '../hooks/api-context.ts';
import { useAction } from '../hooks/use-action.ts';
import { ErrorNote } from './ErrorNote.tsx';

type PortKey = keyof ProfileView['ports'];
const PORT_KEYS: PortKey[] = ['proxyHttp', 'proxyHttps', 'control', 'prometheus'];

/** The ports and image of a profile, as a form; used by the wizard and by Settings. */
export function PortsForm({ profile, onSaved, submitLabel }: { profile: ProfileView; onSaved: () => void; submitLabel: string }) {
  const api = useApi();
  const [ports, setPorts] = useState<Record<PortKey, string>>(() => Object.fromEntries(PORT_KEYS.map((k) => [k, String(profile.ports[k])])) as Record<PortKey, string>);
  const [image, setImage] = useState(profile.image);
  useEffect(() => {
    setPorts(Object.fromEntries(PORT_KEYS.map((k) => [k, String(profile.ports[k])])) as Record<PortKey, string>);
    setImage(profile.image);
  }, [profile]);
  const numbers = PORT_KEYS.map((k) => Number(ports[k]));
  const valid = numbers.every((n) => Number.isInteger(n) && n >= 1 && n <= 65535) && new Set(numbers).size === 4;
  const save = useAction(async () => {
    const next = Object.fromEntries(PORT_KEYS.map((k) => [k, Number(ports[k])])) as ProfileView['ports'];
    await api.updateProfile({ name: profile.name, ports: next, image: image.trim() });
    onSaved();
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (valid) void save.run();
  };
  return (
    <form onSubmit={submit}>
      <fieldset>
        <legend>{t('ports.legend')}</legend>
        {PORT_KEYS.map((k) => (
          <label key={k}>
            {t(`ports.${k}` as MessageKey)}
            <input type="number" min={1} max={65535} required value={ports[k]} onChange={(e) => setPorts({ ...ports, [k]: e.target.value })} />
          </label>
        ))}
        <label>
          {t('ports.image')}
          <input value={image} onChange={(e) => setImage(e.target.value)} required spellCheck={false} />
        </label>
      </fieldset>
      {!valid ? <p role="alert">{t('ports.invalid')}</p> : null}
      <ErrorNote error={save.error} />
      <div className="buttons">
        <button type="submit" className="primary" disabled={!valid || save.busy}>
          {save.busy ? t('common.working') : save.error ? t('common.retry') : submitLabel}
        </button>
      </div>
    </form>
  );
}
