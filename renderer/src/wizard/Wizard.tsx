import { useEffect, useRef, useState } from 'react';
import type { StatusSnapshot } from '../../../src/contract/ipc-contract.ts';
import { t, type MessageKey } from '../../../src/contract/i18n.ts';
import { useApi } from '../hooks/api-context.ts';
import { useConnectionState } from '../hooks/connection-context.ts';
import { useAction } from '../hooks/use-action.ts';
import { ErrorNote } from '../common/ErrorNote.tsx';
import { Logo } from '../layout/Logo.tsx';
import { ControlPlaneStep } from './ControlPlaneStep.tsx';
import { EngineStep } from './EngineStep.tsx';
import { HeartbeatStep } from './HeartbeatStep.tsx';
import { LaunchStep } from './LaunchStep.tsx';
import { PortsStep } from './PortsStep.tsx';
import { Stepper } from './Stepper.tsx';

const STEPS: MessageKey[] = ['wizard.step.engine', 'wizard.step.controlPlane', 'wizard.step.ports', 'wizard.step.launch', 'wizard.step.heartbeat'];
const PORTS_STEP = 2;

/** Onboarding: engine → control plane → ports → launch → first heartbeat. Focus goes to each step's title. */
export function Wizard({ snapshot }: { snapshot: StatusSnapshot }) {
  const api = useApi();
  const [step, setStep] = useState(0);
  const moved = useRef(false);
  const finish = useAction(() => api.updateSettings({ onboarded: true }));
  // As in the main window: while the bridge is down the step is greyed and inert.
  const connection = useConnectionState();
  const offline = connection === 'down' || connection === 'refused';
  const go = (n: number) => {
    moved.current = true;
    setStep(Math.min(Math.max(n, 0), STEPS.length - 1));
  };
  useEffect(() => {
    if (moved.current) document.getElementById('step-title')?.focus();
  }, [step]);
  return (
    <div className="wizard-page" data-offline={offline || undefined}>
      <main className="wizard card" aria-labelledby="wizard-h" inert={offline}>
        <div className="brand">
          <Logo size={32} />
          <h1 id="wizard-h">{t('wizard.title')}</h1>
        </div>
        <Stepper steps={STEPS} current={step} />
        <p className="muted small" aria-live="polite" data-testid="wizard-step">
          {t('wizard.progress', { n: step + 1, total: STEPS.length, name: t(STEPS[step]!) })}
        </p>
        <h2 id="step-title" tabIndex={-1} className="step-title">
          {t(STEPS[step]!)}
        </h2>
        {step === 0 ? <EngineStep onNext={() => go(1)} /> : null}
        {step === 1 ? <ControlPlaneStep onNext={() => go(2)} onBack={() => go(0)} /> : null}
        {step === 2 ? <PortsStep key={snapshot.profile.name} profile={snapshot.profile} onNext={() => go(3)} onBack={() => go(1)} /> : null}
        {step === 3 ? <LaunchStep onNext={() => go(4)} onBack={() => go(2)} onPorts={() => go(PORTS_STEP)} kind={snapshot.profile.kind} /> : null}
        {step === 4 ? <HeartbeatStep snapshot={snapshot} onFinish={() => void finish.run()} /> : null}
        <ErrorNote error={finish.error} />
      </main>
    </div>
  );
}
