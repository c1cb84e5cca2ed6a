import { Plus, TriangleAlert } from 'lucide-react';
import { useState, type FormEvent } from 'react';
import { routeInputSchema } from '../../../src/contract/ipc-contract.ts';
import { t } from '../../../src/contract/i18n.ts';
import { fieldsOfRemoteError, issuesByField, type FieldErrors } from '../common/field-errors.ts';
import { TextField } from '../common/TextField.tsx';
import { useToast } from '../common/toast-context.ts';
import { useApi } from '../hooks/api-context.ts';
import { adviseUpstream } from './upstream-advice.ts';

/** Adds one route: a path to an upstream, checked per field; a loopback upstream is warned about. */
export function RouteForm() {
  const api = useApi();
  const toast = useToast();
  const [path, setPath] = useState('/');
  const [upstream, setUpstream] = useState('');
  const [errors, setErrors] = useState<FieldErrors>({});
  const [busy, setBusy] = useState(false);
  const advice = adviseUpstream(upstream);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const parsed = routeInputSchema.safeParse({ path, upstream });
    if (!parsed.success) return setErrors(issuesByField(parsed.error));
    setErrors({});
    setBusy(true);
    try {
      await api.putRoute(parsed.data);
      toast({ tone: 'ok', text: t('routes.added', { path: parsed.data.path }) });
      setPath('/');
      setUpstream('');
    } catch (err) {
      setErrors(fieldsOfRemoteError(err instanceof Error ? err.message : String(err)));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} className="route-form" noValidate aria-labelledby="add-route-h">
      <h2 id="add-route-h">{t('routes.addTitle')}</h2>
      <div className="form-row">
        <TextField id="route-path" label={t('routes.path')} value={path} onChange={setPath} error={errors.path} hint={t('routes.pathHint')} messageId="path-error" messageTestId="error-path" spellCheck={false} />
        <TextField
          id="route-upstream"
          className="grow"
          label={t('routes.upstream')}
          value={upstream}
          onChange={setUpstream}
          error={errors.upstream}
          hint={t('routes.upstreamHint')}
          describedBy={['upstream-advice']}
          messageId="upstream-error"
          messageTestId="error-upstream"
          spellCheck={false}
          placeholder="host.docker.internal:8080"
        />
        <div className="field">
          <span className="label-spacer" aria-hidden="true" />
          <button type="submit" className="primary" disabled={busy}>
            <Plus aria-hidden="true" size={16} />
            {busy ? t('common.working') : t('routes.add')}
          </button>
        </div>
      </div>
      <div id="upstream-advice" aria-live="polite">
        {advice === 'loopback' ? (
          <p className="callout callout-warn" data-testid="upstream-warning">
            <TriangleAlert aria-hidden="true" size={18} />
            <span>{t('routes.loopbackWarning')}</span>
          </p>
        ) : null}
        {advice === 'host-gateway' ? <p className="callout callout-info">{t('routes.hostGatewayNote')}</p> : null}
      </div>
      {errors[''] ? (
        <p className="callout callout-bad" role="alert">
          {errors['']}
        </p>
      ) : null}
    </form>
  );
}
