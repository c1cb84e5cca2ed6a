import { HeartPulse, LoaderCircle } from 'lucide-react';
import type { StatusSnapshot } from '../../../src/contract/ipc-contract.ts';
import { t } from '../../../src/contract/i18n.ts';
import { RelativeTime } from '../common/RelativeTime.tsx';
import { StatePill } from '../layout/StatePill.tsx';

/** Step 5: the control plane has seen the gateway; the age of its last heartbeat ticks. */
export function HeartbeatStep({ snapshot, onFinish }: { snapshot: StatusSnapshot; onFinish: () => void }) {
  const s = snapshot.status;
  const registered = Boolean(s.registeredAt && s.lastHeartbeatAt);
  return (
    <section aria-labelledby="step-title">
      <div role="status" aria-live="polite" data-testid="first-heartbeat">
        {registered ? (
          <p className="status-line tone-ok" data-testid="heartbeat-received">
            <HeartPulse aria-hidden="true" size={18} />
            <span>
              {t('heartbeat.registered')} <RelativeTime at={s.registeredAt} />; {t('heartbeat.last')} <RelativeTime at={s.lastHeartbeatAt} />.
            </span>
          </p>
        ) : (
          <p className="status-line">
            <LoaderCircle aria-hidden="true" size={18} className="spin" />
            {t('heartbeat.waiting')}
          </p>
        )}
        <p className="status-line">
          {t('state.label')}: <StatePill state={s.state} testId="wizard-state" />
        </p>
      </div>
      <div className="buttons end">
        <button type="button" className="primary" onClick={onFinish} disabled={!registered}>
          {t('heartbeat.finish')}
        </button>
      </div>
    </section>
  );
}
