import { Activity, Play, Route } from 'lucide-react';
import { useCallback } from 'react';
import type { StatusSnapshot } from '../../../src/contract/ipc-contract.ts';
import { t } from '../../../src/contract/i18n.ts';
import { EmptyState } from '../common/EmptyState.tsx';
import { useApi } from '../hooks/api-context.ts';
import { useLive } from '../hooks/use-live.ts';
import { tokenMissing } from '../view/token-missing.ts';
import { CertificateLife } from './CertificateLife.tsx';
import { HeartbeatChart, RequestsChart, StatusCodesChart } from './Charts.tsx';
import { Details } from './Details.tsx';
import { StateCard, type NavigateFix } from './StateCard.tsx';

export function Dashboard({ snapshot, onShowLogs, onAddRoute, onNavigate }: { snapshot: StatusSnapshot; onShowLogs: () => void; onAddRoute: () => void; onNavigate: (fix: NavigateFix) => void }) {
  const api = useApi();
  const beats = useLive(useCallback(() => api.heartbeatTimeline(), [api]), ['metricsChanged', 'statusChanged']);
  const calls = useLive(useCallback(() => api.apiCallsSeries(), [api]), ['metricsChanged']);
  const s = snapshot.status;
  const stopped = s.state === 'stopped' || !s.containerId;
  // While a launch runs the state card shows it: "The gateway is stopped" beside it would contradict it.
  const launching = Boolean(snapshot.launching);
  const noTraffic = (calls.data ?? []).every((p) => p.calls === 0);
  return (
    <div className="dashboard">
      <StateCard snapshot={snapshot} onShowLogs={onShowLogs} onNavigate={onNavigate} />
      {stopped && launching ? null : stopped ? (
        <section className="card span-2" aria-label={t('dash.stoppedTitle')}>
          <EmptyState icon={Play} title={t('dash.stoppedTitle')}>
            {tokenMissing(snapshot) ? t('dash.stoppedNoTokenBody') : t('dash.stoppedBody')}
          </EmptyState>
        </section>
      ) : (
        <>
          <Details snapshot={snapshot} />
          <section className="card" aria-labelledby="cert-h">
            <h2 id="cert-h">{t('dash.certificate')}</h2>
            <CertificateLife notAfter={s.certificateNotAfter} issuedAt={s.registeredAt} />
          </section>
          <section className="card" aria-labelledby="tl-h">
            <h2 id="tl-h">{t('dash.timeline')}</h2>
            <HeartbeatChart points={beats.data ?? []} />
          </section>
          <section className="card" aria-labelledby="calls-h">
            <h2 id="calls-h">{t('dash.apiCalls')}</h2>
            {noTraffic && (calls.data?.length ?? 0) > 2 ? (
              <EmptyState
                icon={Activity}
                title={t('dash.noTraffic')}
                action={
                  <button type="button" onClick={onAddRoute}>
                    <Route aria-hidden="true" size={16} />
                    {t('dash.addRoute')}
                  </button>
                }
              >
                {t('dash.noTrafficBody', { url: snapshot.gatewayUrl })}
              </EmptyState>
            ) : (
              <RequestsChart points={calls.data ?? []} />
            )}
          </section>
          <section className="card" aria-labelledby="status-h">
            <h2 id="status-h">{t('dash.statusCodes')}</h2>
            <StatusCodesChart points={calls.data ?? []} />
          </section>
        </>
      )}
    </div>
  );
}
