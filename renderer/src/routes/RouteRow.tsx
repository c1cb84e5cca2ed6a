import { CircleAlert, CircleCheck, Clock, Trash2 } from 'lucide-react';
import { useCallback, useEffect, useState } from 'react';
import type { RouteProbeView, RouteView } from '../../../src/contract/ipc-contract.ts';
import { t } from '../../../src/contract/i18n.ts';
import { useApi } from '../hooks/api-context.ts';
import { adviseUpstream } from './upstream-advice.ts';

/**
 * One route: its state on the gateway, and once applied, whether a request through it reaches its
 * upstream (a 502/503/504 shows the route as failing rather than as merely applied).
 */
export function RouteRow({ route, onRemove }: { route: RouteView; onRemove: (route: RouteView) => void }) {
  const api = useApi();
  const [probe, setProbe] = useState<RouteProbeView>();
  const check = useCallback(() => {
    api.probeRoute({ path: route.path }).then(setProbe, () => setProbe(undefined));
  }, [api, route.path]);
  useEffect(() => {
    if (route.applied === 'applied' && !route.removing) check();
  }, [route.applied, route.removing, check]);
  const failing = route.applied === 'applied' && probe?.upstreamFails === true;
  const state = route.removing ? 'removing' : failing ? 'failing' : route.applied;
  const loopback = adviseUpstream(route.upstream) === 'loopback';
  const Icon = state === 'applied' ? CircleCheck : state === 'failing' ? CircleAlert : Clock;
  return (
    <tr data-route-id={route.id} data-path={route.path}>
      <td data-label={t('routes.path')}>
        <code>{route.path}</code>
      </td>
      <td data-label={t('routes.upstream')}>
        <code>{route.upstream}</code>
        {loopback ? <span className="hint tone-warn block">{t('routes.loopbackShort')}</span> : null}
      </td>
      <td data-label={t('routes.state')}>
        <span className={`badge badge-${state}`} data-testid="route-applied" data-applied={route.applied} data-failing={failing || undefined} title={failing ? t('routes.failingTitle', { status: probe?.status ?? '' }) : undefined}>
          <Icon aria-hidden="true" size={14} />
          {state === 'failing' ? t('routes.failing', { status: probe?.status ?? '' }) : t(`routes.${state}`)}
        </span>
        {route.applied === 'applied' && !route.removing ? (
          <button type="button" className="link-button" onClick={check} aria-label={t('routes.recheckLabel', { path: route.path })}>
            {t('routes.recheck')}
          </button>
        ) : null}
      </td>
      <td className="row-actions">
        {route.removing ? null : (
          <button type="button" className="icon-button" onClick={() => onRemove(route)} aria-label={t('routes.removeLabel', { path: route.path })} title={t('routes.removeLabel', { path: route.path })}>
            <Trash2 aria-hidden="true" size={16} />
          </button>
        )}
      </td>
    </tr>
  );
}
