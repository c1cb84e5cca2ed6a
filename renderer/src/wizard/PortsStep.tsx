import type { ProfileView } from '../../../src/contract/ipc-contract.ts';
import { t } from '../../../src/contract/i18n.ts';
import { PortsForm } from '../common/PortsForm.tsx';

/** Step 3: ports (checked for use, with the next free one offered) and the gateway image. */
export function PortsStep({ profile, onNext, onBack }: { profile: ProfileView; onNext: () => void; onBack: () => void }) {
  return (
    <section aria-labelledby="step-title">
      <p className="muted">{t('ports.stepIntro')}</p>
      <PortsForm
        profile={profile}
        running={false}
        onSaved={onNext}
        submitLabel={t('common.next')}
        before={
          <button type="button" onClick={onBack}>
            {t('common.back')}
          </button>
        }
      />
    </section>
  );
}
