import type { LaunchProgressEvent, LaunchStageView } from '../../../src/contract/ipc-contract.ts';
import { t, isMessageKey } from '../../../src/contract/i18n.ts';

export type StageState = LaunchProgressEvent['status'] | 'waiting' | 'failed';

/** The launch stages with where each one stands, and API7's module download and the image pull as progress bars. */
export function LaunchStages({
  stages,
  states,
  pull,
  download,
}: {
  stages: LaunchStageView[];
  states: Record<string, StageState>;
  pull?: LaunchProgressEvent['pull'];
  download?: LaunchProgressEvent['download'];
}) {
  return (
    <div>
      <ol className="stages" aria-label={t('launch.stages')}>
        {stages.map((s) => {
          const state = states[s.id] ?? 'waiting';
          const key = `stage.${s.id}`;
          return (
            <li key={s.id} className={`stage stage-${state}`} data-stage={s.id} data-state={state}>
              <span className="stage-title">{isMessageKey(key) ? t(key) : s.title}</span> <span className="stage-state">{t(`stageStatus.${state}`)}</span>
            </li>
          );
        })}
      </ol>
      {download ? (
        <div>
          <label htmlFor="download-progress">
            {download.totalBytes > 0 ? t('launch.download', { percent: download.percent }) : t('launch.downloadBytes', { mb: (download.currentBytes / 1e6).toFixed(1) })}
          </label>
          <progress id="download-progress" max={100} value={download.percent} aria-valuenow={download.percent} />
        </div>
      ) : null}
      {pull ? (
        <div>
          <label htmlFor="pull-progress">{t('launch.pull', { percent: pull.percent })}</label>
          <progress id="pull-progress" max={100} value={pull.percent} aria-valuenow={pull.percent} />
        </div>
      ) : null}
    </div>
  );
}
