import type { OverallState } from '../../../src/core/status/gateway-status.ts';
import type { MessageKey } from '../../../src/contract/i18n.ts';

export type Tone = 'ok' | 'warn' | 'bad' | 'neutral' | 'busy';
export type StateIcon = 'circle-check' | 'circle-alert' | 'circle-x' | 'circle-stop' | 'loader' | 'unplug';

export interface StateView {
  label: MessageKey;
  tone: Tone;
  icon: StateIcon;
  /** One line on what the state means for the user. */
  hint: MessageKey;
}

/**
 * The one place where a gateway state becomes what the UI shows (pill, dashboard card, wizard). A state
 * the lifecycle work adds later gets its row here; the `satisfies` makes a missing one a type error.
 */
const VIEWS = {
  stopped: { label: 'state.stopped', tone: 'neutral', icon: 'circle-stop', hint: 'state.hint.stopped' },
  starting: { label: 'state.starting', tone: 'busy', icon: 'loader', hint: 'state.hint.starting' },
  healthy: { label: 'state.healthy', tone: 'ok', icon: 'circle-check', hint: 'state.hint.healthy' },
  degraded: { label: 'state.degraded', tone: 'warn', icon: 'circle-alert', hint: 'state.hint.degraded' },
  lost: { label: 'state.lost', tone: 'bad', icon: 'unplug', hint: 'state.hint.lost' },
  error: { label: 'state.error', tone: 'bad', icon: 'circle-x', hint: 'state.hint.error' },
} as const satisfies Record<OverallState, StateView>;

/** An unknown state (a newer core talking to an older page) shows as neutral, named as it came. */
export function stateView(state: string): StateView {
  return Object.hasOwn(VIEWS, state) ? VIEWS[state as OverallState] : { label: 'state.unknown', tone: 'neutral', icon: 'circle-alert', hint: 'state.hint.unknown' };
}

/** Launch stage statuses, the same way. */
export type StageState = 'waiting' | 'start' | 'progress' | 'done' | 'skipped' | 'failed';
export function stageTone(state: StageState): Tone {
  if (state === 'done') return 'ok';
  if (state === 'failed') return 'bad';
  if (state === 'start' || state === 'progress') return 'busy';
  return 'neutral';
}
