import type { StatusSnapshot } from '../../../src/contract/ipc-contract.ts';
import type { StatusAction } from '../../../src/core/status/gateway-status.ts';
import { t } from '../../../src/contract/i18n.ts';
import { useApi } from '../hooks/api-context.ts';
import { useAction } from '../hooks/use-action.ts';
import { ErrorNote } from '../common/ErrorNote.tsx';

/** The overall state, its reasons, and buttons for what can be done about it. */
export function StateCard({ snapshot, onShowLogs }: { snapshot: StatusSnapshot; onShowLogs: () => void }) {
  const api = useApi();
  const s = snapshot.status;
  const act = useAction(async (a: StatusAction) => {
    if (a === 'launch') await api.launch();
    else if (a === 'stop') await api.stop();
    else if (a === 'restart') await api.restart();
    else if (a === 'renew-cert') await api.renewCertificate();
    else if (a === 'show-logs') onShowLogs();
    else await api.refreshStatus();
  });
  const running = Boolean(s.containerId) && s.state !== 'stopped';
  const base: StatusAction[] = running ? ['restart', 'stop'] : ['launch'];
  const fromReasons = s.reasons.map((r) => r.action).filter((a): a is StatusAction => a !== undefined);
  const actions = [...new Set([...fromReasons, ...base])];
  return (
    <section className={`card state state-${s.state}`} aria-labelledby="state-h">
      <h2 id="state-h">{t('state.label')}</h2>
      <p role="status" aria-live="polite" className="state-line">
        <span className="dot" aria-hidden="true" />
        <strong data-testid="gateway-state" data-state={s.state}>
          {t(`state.${s.state}`)}
        </strong>
        {snapshot.launching ? <span className="muted"> — {snapshot.launching.message}</span> : null}
      </p>
      <ul className="reasons">
        {s.reasons.map((r) => (
          <li key={r.code} data-code={r.code}>
            {r.message}
          </li>
        ))}
      </ul>
      <div className="buttons" role="group" aria-label={t('dash.actions')}>
        {actions.map((a) => (
          <button key={a} type="button" onClick={() => void act.run(a)} disabled={act.busy || Boolean(snapshot.launching)}>
            {t(`action.${a}`)}
          </button>
        ))}
      </div>
      {act.busy ? <p role="status">{t('common.working')}</p> : null}
      <ErrorNote error={act.error} />
    </section>
  );
}
