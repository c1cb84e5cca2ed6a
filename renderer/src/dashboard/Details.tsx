import type { StatusSnapshot } from '../../../src/contract/ipc-contract.ts';
import { t } from '../../../src/contract/i18n.ts';
import { CopyField } from '../common/CopyField.tsx';
import { timeText } from '../common/format.ts';
import { HeartbeatAge } from './HeartbeatAge.tsx';

/** Registration, heartbeat age, certificate expiry, the module it runs, ids and ports (each copyable), and a ready curl. */
export function Details({ snapshot }: { snapshot: StatusSnapshot }) {
  const s = snapshot.status;
  const ports = s.ports ? Object.entries(s.ports).map(([k, v]) => `${k} ${v}`).join(', ') : undefined;
  const curl = `curl -i ${snapshot.gatewayUrl}/`;
  return (
    <section className="card" aria-label={t('dash.profile', { name: snapshot.profile.name, kind: snapshot.profile.kind })}>
      <h2>{t('dash.profile', { name: snapshot.profile.name, kind: snapshot.profile.kind })}</h2>
      <dl className="facts">
        <div>
          <dt>{t('dash.registered')}</dt>
          <dd data-testid="registered-at">{timeText(s.registeredAt)}</dd>
        </div>
        <div>
          <dt>{t('dash.lastHeartbeat')}</dt>
          <dd>
            <HeartbeatAge at={s.lastHeartbeatAt} />
          </dd>
        </div>
        <div>
          <dt>{t('dash.certificate')}</dt>
          <dd>{timeText(s.certificateNotAfter)}</dd>
        </div>
        <div>
          <dt>{t('dash.module')}</dt>
          <dd data-testid="module">{t(`dash.module.${s.module ?? 'unknown'}`)}</dd>
        </div>
        <CopyField label={t('dash.instanceId')} value={s.instanceId} testId="instance-id" />
        <CopyField label={t('dash.containerId')} value={s.containerId?.slice(0, 12)} testId="container-id" />
        <CopyField label={t('dash.ports')} value={ports} />
        <CopyField label={t('dash.curl')} value={curl} testId="curl-line" />
      </dl>
    </section>
  );
}
