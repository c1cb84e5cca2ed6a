import type { StatusSnapshot } from '../../../src/contract/ipc-contract.ts';
import { t } from '../../../src/contract/i18n.ts';
import { PortsForm } from '../common/PortsForm.tsx';
import { PreferencesSection } from './PreferencesSection.tsx';
import { ProfilesSection } from './ProfilesSection.tsx';

export function Settings({ snapshot }: { snapshot: StatusSnapshot }) {
  return (
    <div className="settings">
      <h2 className="visually-hidden">{t('settings.title')}</h2>
      <ProfilesSection />
      <section className="card" aria-labelledby="gw-h">
        <h2 id="gw-h">{t('settings.gateway', { name: snapshot.profile.name })}</h2>
        <p className="muted">{t('ports.nextLaunch')}</p>
        <PortsForm profile={snapshot.profile} onSaved={() => undefined} submitLabel={t('common.save')} />
      </section>
      <PreferencesSection settings={snapshot.settings} />
    </div>
  );
}
