import { useState, type FormEvent } from 'react';
import { t } from '../../../src/contract/i18n.ts';
import { useApi } from '../hooks/api-context.ts';
import { useAction } from '../hooks/use-action.ts';
import { ErrorNote } from '../common/ErrorNote.tsx';

/** Adds one route: a path to an upstream. */
export function RouteForm() {
  const api = useApi();
  const [path, setPath] = useState('/');
  const [upstream, setUpstream] = useState('');
  const add = useAction(async () => {
    await api.putRoute({ path: path.trim(), upstream: upstream.trim() });
    setPath('/');
    setUpstream('');
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void add.run();
  };
  return (
    <form onSubmit={submit} className="route-form">
      <div className="field">
        <label htmlFor="route-path">{t('routes.path')}</label>
        <input id="route-path" value={path} onChange={(e) => setPath(e.target.value)} required pattern="/\S*" aria-describedby="path-hint" spellCheck={false} />
        <span id="path-hint" className="muted hint">
          {t('routes.pathHint')}
        </span>
      </div>
      <div className="field">
        <label htmlFor="route-upstream">{t('routes.upstream')}</label>
        <input id="route-upstream" value={upstream} onChange={(e) => setUpstream(e.target.value)} required aria-describedby="upstream-hint" spellCheck={false} />
        <span id="upstream-hint" className="muted hint">
          {t('routes.upstreamHint')}
        </span>
      </div>
      <button type="submit" className="primary" disabled={add.busy}>
        {add.busy ? t('common.working') : t('routes.add')}
      </button>
      <ErrorNote error={add.error} />
    </form>
  );
}
