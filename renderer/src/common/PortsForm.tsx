import { Info, Wand2 } from 'lucide-react';
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { updateProfileSchema, type PortReportView, type PortRoleName, type ProfileView } from '../../../src/contract/ipc-contract.ts';
import { t } from '../../../src/contract/i18n.ts';
import { useApi } from '../hooks/api-context.ts';
import { fieldsOfRemoteError, type FieldErrors } from './field-errors.ts';
import { TextField } from './TextField.tsx';
import { PORT_KEYS, portFieldErrors, portReportMessage, portTexts, type PortTexts } from './port-fields.ts';

const CHECK_DELAY_MS = 300;

/**
 * A profile's ports and image, with one Save. Each field says what is wrong with it; ports are
 * checked for use as they are typed (another profile's running gateway is named), and a port in use
 * offers the next free one. A running gateway keeps what it has: a save says it applies at the next launch.
 */
export function PortsForm({
  profile,
  running,
  onSaved,
  submitLabel,
  before,
}: {
  profile: ProfileView;
  running: boolean;
  onSaved: (saved: ProfileView) => void;
  submitLabel: string;
  /** A button that goes before Save (the wizard's Back). */
  before?: ReactNode;
}) {
  const api = useApi();
  const [ports, setPorts] = useState<PortTexts>(() => portTexts(profile.ports));
  const [image, setImage] = useState(profile.image);
  const [reports, setReports] = useState<Partial<Record<PortRoleName, PortReportView>>>({});
  const [remote, setRemote] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  // Reset to what is saved only when that changes: every status refresh brings a new (equal) profile
  // object, and must not wipe what is being typed.
  const savedKey = `${profile.name}|${PORT_KEYS.map((k) => profile.ports[k]).join(',')}|${profile.image}`;
  useEffect(() => {
    setPorts(portTexts(profile.ports));
    setImage(profile.image);
  }, [savedKey]);

  const typed = portFieldErrors(ports);
  const key = PORT_KEYS.map((k) => ports[k]).join(',');
  const typedOk = Object.keys(typed).length === 0;
  useEffect(() => {
    if (!typedOk) return setReports({});
    let live = true;
    const timer = setTimeout(() => {
      const numbers = Object.fromEntries(PORT_KEYS.map((k) => [k, Number(ports[k])])) as ProfileView['ports'];
      api.checkPorts({ name: profile.name, ports: numbers }).then(
        (r) => live && setReports(r),
        () => live && setReports({}),
      );
    }, CHECK_DELAY_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
    // ports is read through key: a new object with the same values checks nothing new.
  }, [api, profile.name, key, typedOk]);

  const imageCheck = updateProfileSchema.shape.image.safeParse(image.trim());
  const imageError = remote.image ?? (imageCheck.success ? undefined : (imageCheck.error.issues[0]?.message ?? ''));
  const errorOf = (k: PortRoleName): string | undefined => typed[k] ?? remote[`ports.${k}`] ?? portReportMessage(reports[k]);
  const blocked = !typedOk || PORT_KEYS.some((k) => portReportMessage(reports[k])) || Boolean(imageError);
  const changed = PORT_KEYS.some((k) => Number(ports[k]) !== profile.ports[k]) || image.trim() !== profile.image;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (blocked) return;
    setBusy(true);
    setRemote({});
    try {
      const next = Object.fromEntries(PORT_KEYS.map((k) => [k, Number(ports[k])])) as ProfileView['ports'];
      onSaved(await api.updateProfile({ name: profile.name, ports: next, image: image.trim() }));
    } catch (err) {
      setRemote(fieldsOfRemoteError(err instanceof Error ? err.message : String(err)));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} noValidate className="ports-form">
      <div className="grid-2 fields">
        {PORT_KEYS.map((k) => {
          const error = errorOf(k);
          const report = reports[k];
          return (
            <TextField
              key={k}
              id={`port-${k}`}
              label={t(`ports.${k}`)}
              inputMode="numeric"
              value={ports[k]}
              onChange={(v) => setPorts({ ...ports, [k]: v })}
              error={error}
              note={report?.state === 'own' ? t('ports.own') : report?.state === 'free' ? t('ports.free') : ''}
              messageTestId={`port-msg-${k}`}
            >
              {error && report?.suggestion ? (
                <button type="button" className="link-button" onClick={() => setPorts({ ...ports, [k]: String(report.suggestion) })} data-testid={`port-next-${k}`}>
                  <Wand2 aria-hidden="true" size={14} />
                  {t('ports.useNext', { port: report.suggestion })}
                </button>
              ) : null}
            </TextField>
          );
        })}
      </div>
      <TextField id="gateway-image" label={t('ports.image')} value={image} onChange={setImage} error={imageError && sentence(imageError)} note={t('ports.imageHint')} messageTestId="image-msg" spellCheck={false} />
      {remote[''] ? (
        <p className="callout callout-bad" role="alert">
          {remote['']}
        </p>
      ) : null}
      {running && changed ? (
        <p className="callout callout-info" data-testid="next-launch-note">
          <Info aria-hidden="true" size={18} />
          <span>{t('ports.nextLaunch')}</span>
        </p>
      ) : null}
      <div className={before ? 'buttons spread' : 'buttons'}>
        {before}
        <button type="submit" className="primary" disabled={blocked || busy}>
          {busy ? t('common.working') : submitLabel}
        </button>
      </div>
    </form>
  );
}

function sentence(s: string): string {
  return s ? s[0]!.toUpperCase() + s.slice(1) + (/[.!?]$/.test(s) ? '' : '.') : s;
}
