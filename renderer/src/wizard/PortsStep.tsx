import type { ProfileView } from '../../../src/contract/ipc-contract.ts';
import { t } from '../../../src/contract/i18n.ts';
import { PortsForm } from '../common/PortsForm.tsx';

/** Step 3: ports (never in use by something else) and the gateway image. */
export function PortsStep({ profile, onNext, onBack }: { profile: ProfileView; onNext: () => void; onBack: () => void }) {
  return (
    <section aria-labelledby="ports-h">
      <h3 id="ports-h">{t('wizard.step.ports')}</h3>
      <PortsForm profile={profile} onSaved={onNext} submitLabel={t('common.next')} />
      <div className="buttons">
        <button type="button" onClick={onBack}>
          {t('common.back')}
        </button>
      </div>
    </section>
  );
}
