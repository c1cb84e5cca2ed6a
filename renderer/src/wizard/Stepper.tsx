import { Check } from 'lucide-react';
import { t, type MessageKey } from '../../../src/contract/i18n.ts';

/** The wizard's steps as numbered circles joined by a line; done ones carry a check. */
export function Stepper({ steps, current }: { steps: MessageKey[]; current: number }) {
  return (
    <ol className="stepper" aria-label={t('wizard.stepsLabel')}>
      {steps.map((k, i) => {
        const state = i < current ? 'done' : i === current ? 'current' : 'todo';
        return (
          <li key={k} className={`step step-${state}`} aria-current={state === 'current' ? 'step' : undefined}>
            <span className="step-mark" aria-hidden="true">
              {state === 'done' ? <Check size={14} /> : i + 1}
            </span>
            <span className="step-name">
              {t(k)}
              <span className="visually-hidden"> — {t(`wizard.stepState.${state}`)}</span>
            </span>
          </li>
        );
      })}
    </ol>
  );
}
