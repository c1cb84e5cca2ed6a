import type { LaunchProgressEvent, LaunchStageView } from '../../../src/contract/ipc-contract.ts';
import { t } from '../../../src/contract/i18n.ts';
import { useNow } from '../hooks/use-now.ts';
import { CancelLaunchButton } from '../launch/CancelLaunchButton.tsx';
import type { CancelLaunch } from '../launch/use-cancel-launch.ts';
import type { LaunchProgress } from '../launch/use-launch-progress.ts';
import { launchStageStates } from '../view/launch-stage-states.ts';
import { LaunchStages } from '../wizard/LaunchStages.tsx';

/**
 * A launch under way, on the dashboard's state card: the same stages, pull and download as the
 * wizard's launch step, and its Cancel. It shows whoever started the launch (this card, the tray).
 */
export function LaunchPanel({ stages, latest, progress, cancel }: { stages: LaunchStageView[]; latest: LaunchProgressEvent | undefined; progress: LaunchProgress; cancel: CancelLaunch }) {
  const now = useNow(200);
  const states = launchStageStates(stages, progress.states, latest);
  return (
    <div className="launch-panel" data-testid="dashboard-launch">
      <LaunchStages
        stages={stages}
        states={states}
        timings={progress.timings}
        now={now}
        {...(progress.pull ? { pull: progress.pull } : {})}
        {...(progress.pullRate !== undefined ? { pullRate: progress.pullRate } : {})}
        {...(progress.download ? { download: progress.download } : {})}
      />
      <div className="buttons" role="group" aria-label={t('launch.controls')}>
        <CancelLaunchButton cancel={cancel} />
      </div>
    </div>
  );
}
