import type { StatusSnapshot } from '../../../src/contract/ipc-contract.ts';
import { t } from '../../../src/contract/i18n.ts';
import { CopyField } from '../common/CopyField.tsx';
import { RelativeTime } from '../common/RelativeTime.tsx';

/** Registration, heartbeat age, the module, ids and ports (each copyable), and a ready curl. */
export function Details({ snapshot }: { snapshot: StatusSnapshot }) {
  const s = snapshot.status;
  const shown = snapshot.publishedPorts ?? s.ports;
  const ports = shown ? Object.entries(shown).map(([k, v]) => `${k} ${v}`).join(', ') : undefined;
  const curl = `curl -i ${snapshot.gatewayUrl}/`;
  return (
    <section className="card" aria-labelledby="details-h">
      <h2 id="details-h">{t('dash.profile', { name: snapshot.profile.name, kind: snapshot.profile.kind === 'local' ? t('settings.kindLocal') : t('settings.kindCloud') })}</h2>
      <dl className="facts">
        <div className="fact">
          <dt>{t('dash.registered')}</dt>
          <dd>
            <RelativeTime at={s.registeredAt} testId="registered-at" />
          </dd>
        </div>
        <div className="fact">
          <dt>{t('dash.lastHeartbeat')}</dt>
          <dd>
            <RelativeTime at={s.lastHeartbeatAt} testId="heartbeat-age" />
          </dd>
        </div>
        <div className="fact">
          <dt>{t('dash.module')}</dt>
          <dd data-testid="module">{t(`dash.module.${s.module ?? 'unknown'}`)}</dd>
        </div>
        <CopyField label={t('dash.instanceId')} value={s.instanceId} testId="instance-id" />
        <CopyField label={t('dash.containerId')} value={s.containerId?.slice(0, 12)} testId="container-id" />
        <CopyField label={t('dash.ports')} value={ports} testId="ports-line" />
        <CopyField label={t('dash.curl')} value={curl} testId="curl-line" />
      </dl>
    </section>
  );
}
