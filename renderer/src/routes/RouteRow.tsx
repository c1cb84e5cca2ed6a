import type { RouteView } from '../../../src/contract/ipc-contract.ts';
import { t } from '../../../src/contract/i18n.ts';
import { useApi } from '../hooks/api-context.ts';
import { useAction } from '../hooks/use-action.ts';

export function RouteRow({ route }: { route: RouteView }) {
  const api = useApi();
  const remove = useAction(() => api.deleteRoute({ id: route.id }));
  const state = route.removing ? t('routes.removing') : t(`routes.${route.applied}`);
  return (
    <tr data-route-id={route.id} data-path={route.path}>
      <td>
        <code>{route.path}</code>
      </td>
      <td>
        <code>{route.upstream}</code>
      </td>
      <td>
        <span className={`badge badge-${route.removing ? 'pending' : route.applied}`} data-testid="route-applied" data-applied={route.applied}>
          {state}
        </span>
      </td>
      <td>
        {route.removing ? null : (
          <button type="button" onClick={() => void remove.run()} disabled={remove.busy} aria-label={t('routes.removeLabel', { path: route.path })}>
            {t('common.remove')}
          </button>
        )}
        {remove.error ? <span role="alert">{remove.error.message}</span> : null}
      </td>
    </tr>
  );
}
