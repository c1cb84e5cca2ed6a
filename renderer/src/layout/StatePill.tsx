import { CircleAlert, CircleCheck, CircleStop, CircleX, LoaderCircle, Unplug } from 'lucide-react';
import { t } from '../../../src/contract/i18n.ts';
import { stateView, type StateIcon } from '../view/state-view.ts';

const ICONS: Record<StateIcon, typeof CircleCheck> = { 'circle-check': CircleCheck, 'circle-alert': CircleAlert, 'circle-x': CircleX, 'circle-stop': CircleStop, loader: LoaderCircle, unplug: Unplug };

/** The gateway's state as a coloured pill with its icon; the mapping lives in state-view.ts. */
export function StatePill({ state, testId }: { state: string; testId?: string }) {
  const view = stateView(state);
  const Icon = ICONS[view.icon];
  return (
    <span className={`pill tone-${view.tone}`} data-testid={testId} data-state={state} title={t(view.hint)}>
      <Icon aria-hidden="true" size={14} className={view.icon === 'loader' ? 'spin' : undefined} />
      <span>{t(view.label)}</span>
    </span>
  );
}

export { ICONS as STATE_ICONS };
