import type { StatusSnapshot } from '../../../src/contract/ipc-contract.ts';
import { t } from '../../../src/contract/i18n.ts';
import { ageText, timeText } from '../common/format.ts';
import { useNow } from '../hooks/use-now.ts';

/** Step 5: the control plane has seen the gateway; the age of its last heartbeat ticks. */
export function HeartbeatStep({ snapshot, onFinish }: { snapshot: StatusSnapshot; onFinish: () => void }) {
  const now = useNow();
  const s = snapshot.status;
  const registered = Boolean(s.registeredAt && s.lastHeartbeatAt);
  return (
    <section aria-labelledby="hb-h">
      <h3 id="hb-h">{t('wizard.step.heartbeat')}</h3>
      <div role="status" aria-live="polite" data-testid="first-heartbeat">
        {registered ? <p className="ok">{t('heartbeat.received', { time: timeText(s.registeredAt), age: ageText(s.lastHeartbeatAt, now) })}</p> : <p>{t('heartbeat.waiting')}</p>}
        <p>
          {t('state.label')}: <strong data-state={s.state}>{t(`state.${s.state}`)}</strong>
        </p>
      </div>
      <div className="buttons">
        <button type="button" className="primary" onClick={onFinish} disabled={!registered}>
          {t('heartbeat.finish')}
        </button>
      </div>
    </section>
  );
}
