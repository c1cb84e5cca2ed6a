import type { LaunchProgressEvent, LaunchStageView } from '../../../src/contract/ipc-contract.ts';
import type { StageState } from './state-view.ts';

/**
 * The stage states to show for a launch under way. A window opened (or reloaded) mid-launch has seen
 * none of its earlier events: the snapshot's latest stage tells it where the launch is, and the stages
 * before it in launch order are done. What the events said wins wherever they said something.
 */
export function launchStageStates(stages: readonly LaunchStageView[], seen: Readonly<Record<string, StageState>>, latest: LaunchProgressEvent | undefined): Record<string, StageState> {
  const out: Record<string, StageState> = {};
  const at = latest ? stages.findIndex((s) => s.id === latest.stage) : -1;
  stages.forEach((s, i) => {
    if (i < at) out[s.id] = 'done';
    else if (i === at) out[s.id] = latest!.status;
  });
  return { ...out, ...seen };
}
