import { Info, Route as RouteIcon } from 'lucide-react';
import { useCallback } from 'react';
import type { RouteView, StatusSnapshot } from '../../../src/contract/ipc-contract.ts';
import { t } from '../../../src/contract/i18n.ts';
import { ConfirmDialog } from '../common/ConfirmDialog.tsx';
import { EmptyState } from '../common/EmptyState.tsx';
import { ErrorNote } from '../common/ErrorNote.tsx';
import { useConfirm } from '../common/use-confirm.ts';
import { useToast } from '../common/toast-context.ts';
import { useApi } from '../hooks/api-context.ts';
import { useLive } from '../hooks/use-live.ts';
import { RouteForm } from './RouteForm.tsx';
import { RouteRow } from './RouteRow.tsx';

/** The cluster's routes, whether the gateway has applied each one and whether its upstream answers. */
export function Routes({ snapshot }: { snapshot: StatusSnapshot }) {
  const api = useApi();
  const toast = useToast();
  const routes = useLive(useCallback(() => api.listRoutes(), [api]), ['routesChanged', 'statusChanged']);
  const confirm = useConfirm<RouteView>();
  const remove = async (r: RouteView) => {
    confirm.close();
    try {
      await api.deleteRoute({ id: r.id });
      toast({ tone: 'ok', text: t('routes.removed', { path: r.path }) });
    } catch (e) {
      toast({ tone: 'bad', text: e instanceof Error ? e.message : String(e) });
    }
  };
  return (
    <div className="routes">
      <p className="muted lead">{t('routes.intro')}</p>
      <section className="card" aria-label={t('routes.reachTitle')}>
        <p className="callout callout-info" data-testid="reach-host">
          <Info aria-hidden="true" size={18} />
          <span>{t('routes.reachHost', { url: snapshot.gatewayUrl })}</span>
        </p>
        <RouteForm />
      </section>
      <ErrorNote error={routes.error} onRetry={routes.reload} />
      <section className="card" aria-labelledby="routes-list-h">
        <h2 id="routes-list-h">{t('routes.table')}</h2>
        {routes.data && routes.data.length === 0 ? (
          <EmptyState icon={RouteIcon} title={t('routes.empty')}>
            {t('routes.emptyBody')}
          </EmptyState>
        ) : null}
        {routes.data && routes.data.length > 0 ? (
          <table className="table" aria-labelledby="routes-list-h">
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
                <RouteRow key={r.id} route={r} onRemove={confirm.ask} />
              ))}
            </tbody>
          </table>
        ) : null}
      </section>
      <ConfirmDialog open={confirm.open} title={t('confirm.route.title', { path: confirm.pending?.path ?? '' })} confirmLabel={t('common.remove')} onCancel={confirm.close} onConfirm={() => confirm.pending && void remove(confirm.pending)}>
        <p>{t('confirm.route.body')}</p>
      </ConfirmDialog>
    </div>
  );
}
