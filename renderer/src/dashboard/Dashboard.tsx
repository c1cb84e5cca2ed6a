import { useCallback } from 'react';
import type { StatusSnapshot } from '../../../src/contract/ipc-contract.ts';
import { t } from '../../../src/contract/i18n.ts';
import { useApi } from '../hooks/api-context.ts';
import { useLive } from '../hooks/use-live.ts';
import { Details } from './Details.tsx';
import { Sparkline } from './Sparkline.tsx';
import { StateCard } from './StateCard.tsx';
import { Timeline } from './Timeline.tsx';

export function Dashboard({ snapshot, onShowLogs }: { snapshot: StatusSnapshot; onShowLogs: () => void }) {
  const api = useApi();
  const beats = useLive(useCallback(() => api.heartbeatTimeline(), [api]), ['metricsChanged', 'statusChanged']);
  const calls = useLive(useCallback(() => api.apiCallsSeries(), [api]), ['metricsChanged']);
  return (
    <div className="dashboard">
      <StateCard snapshot={snapshot} onShowLogs={onShowLogs} />
      <Details snapshot={snapshot} />
      <section className="card" aria-labelledby="tl-h">
        <h2 id="tl-h">{t('dash.timeline')}</h2>
        <Timeline points={beats.data ?? []} />
      </section>
      <section className="card" aria-labelledby="calls-h">
        <h2 id="calls-h">{t('dash.apiCalls')}</h2>
        <Sparkline points={calls.data ?? []} />
      </section>
    </div>
  );
}
