import { useCallback } from 'react';
import { t } from '../../../src/contract/i18n.ts';
import { useApi } from '../hooks/api-context.ts';
import { useLive } from '../hooks/use-live.ts';
import { ErrorNote } from '../common/ErrorNote.tsx';
import { RouteForm } from './RouteForm.tsx';
import { RouteRow } from './RouteRow.tsx';

/** The cluster's routes, with whether the gateway has applied each change. */
export function Routes() {
  const api = useApi();
  const routes = useLive(useCallback(() => api.listRoutes(), [api]), ['routesChanged', 'statusChanged']);
  return (
    <section aria-labelledby="routes-h">
      <h2 id="routes-h">{t('routes.title')}</h2>
      <p className="muted">{t('routes.intro')}</p>
      <RouteForm />
      <ErrorNote error={routes.error} onRetry={routes.reload} />
      {routes.data && routes.data.length === 0 ? <p>{t('routes.empty')}</p> : null}
      {routes.data && routes.data.length > 0 ? (
        <table aria-label={t('routes.table')}>
          <thead>
            <tr>
              <th scope="col">{t('routes.path')}</th>
              <th scope="col">{t('routes.upstream')}</th>
              <th scope="col">{t('routes.state')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('common.remove')}</span>
              </th>
            </tr>
          </thead>
          <tbody aria-live="polite">
            {routes.data.map((r) => (
              <RouteRow key={r.id} route={r} />
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
