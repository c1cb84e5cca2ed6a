import { useState } from 'react';
import type { StatusSnapshot } from '../../../src/contract/ipc-contract.ts';
import { t, type MessageKey } from '../../../src/contract/i18n.ts';
import { useApi } from '../hooks/api-context.ts';
import { useAction } from '../hooks/use-action.ts';
import { ErrorNote } from '../common/ErrorNote.tsx';
import { ControlPlaneStep } from './ControlPlaneStep.tsx';
import { EngineStep } from './EngineStep.tsx';
import { HeartbeatStep } from './HeartbeatStep.tsx';
import { LaunchStep } from './LaunchStep.tsx';
import { PortsStep } from './PortsStep.tsx';

const STEPS: MessageKey[] = ['wizard.step.engine', 'wizard.step.controlPlane', 'wizard.step.ports', 'wizard.step.launch', 'wizard.step.heartbeat'];

/** Onboarding: engine → control plane → ports → launch → first heartbeat. */
export function Wizard({ snapshot }: { snapshot: StatusSnapshot }) {
  const api = useApi();
  const [step, setStep] = useState(0);
  const finish = useAction(() => api.updateSettings({ onboarded: true }));
  const next = () => setStep((s) => Math.min(s + 1, STEPS.length - 1));
  const back = () => setStep((s) => Math.max(s - 1, 0));
  return (
    <main className="wizard" aria-labelledby="wizard-h">
      <h2 id="wizard-h">{t('wizard.title')}</h2>
      <p className="muted" aria-live="polite" data-testid="wizard-step">
        {t('wizard.progress', { n: step + 1, total: STEPS.length, name: t(STEPS[step]!) })}
      </p>
      <ol className="steps" aria-hidden="true">
        {STEPS.map((k, i) => (
          <li key={k} className={i === step ? 'current' : i < step ? 'done' : ''}>
            {t(k)}
          </li>
        ))}
      </ol>
      {step === 0 ? <EngineStep onNext={next} /> : null}
      {step === 1 ? <ControlPlaneStep onNext={next} onBack={back} /> : null}
      {step === 2 ? <PortsStep profile={snapshot.profile} onNext={next} onBack={back} /> : null}
      {step === 3 ? <LaunchStep onNext={next} onBack={back} /> : null}
      {step === 4 ? <HeartbeatStep snapshot={snapshot} onFinish={() => void finish.run()} /> : null}
      <ErrorNote error={finish.error} />
    </main>
  );
}
