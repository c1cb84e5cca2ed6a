import { Ban, CircleCheck, CircleDashed, CircleX, LoaderCircle } from 'lucide-react';
import type { LaunchProgressEvent, LaunchStageView } from '../../../src/contract/ipc-contract.ts';
import { t, isMessageKey } from '../../../src/contract/i18n.ts';
import { bytesText, durationText } from '../common/format.ts';
import { stageTone, type StageState } from '../view/state-view.ts';
import { PullLayers } from './PullLayers.tsx';

export type { StageState };
export interface StageTiming {
  startedAt?: number;
  endedAt?: number;
}

const ICONS = { waiting: CircleDashed, start: LoaderCircle, progress: LoaderCircle, done: CircleCheck, skipped: Ban, failed: CircleX } as const;

/** A stage's name: its translation, else the title the core sent (never a raw id). */
export function stageName(stage: LaunchStageView | { id: string; title?: string }): string {
  const key = `stage.${stage.id}`;
  return isMessageKey(key) ? t(key) : (stage.title ?? stage.id);
}

/**
 * The launch stages, each with an icon (a spinner while it runs) and how long it took, then API7's
 * module download and the image pull with bytes, layers and speed.
 */
export function LaunchStages({
  stages,
  states,
  timings,
  now,
  pull,
  pullRate,
  download,
}: {
  stages: LaunchStageView[];
  states: Record<string, StageState>;
  timings: Record<string, StageTiming>;
  now: number;
  pull?: LaunchProgressEvent['pull'];
  pullRate?: number;
  download?: LaunchProgressEvent['download'];
}) {
  return (
    <div className="launch">
      <ol className="stages" aria-label={t('launch.stages')}>
        {stages.map((s) => {
          const state = states[s.id] ?? 'waiting';
          const Icon = ICONS[state];
          const timing = timings[s.id];
          const took = timing?.startedAt !== undefined ? (timing.endedAt ?? now) - timing.startedAt : undefined;
          return (
            <li key={s.id} className={`stage tone-${stageTone(state)}`} data-stage={s.id} data-state={state}>
              <Icon aria-hidden="true" size={18} className={state === 'start' || state === 'progress' ? 'spin' : undefined} />
              <span className="stage-title">{stageName(s)}</span>
              <span className="stage-state">{t(`stageStatus.${state}`)}</span>
              <span className="stage-time muted">{took !== undefined && state !== 'skipped' ? durationText(took) : ''}</span>
            </li>
          );
        })}
      </ol>
      {download ? (
        <div className="progress-block">
          <label htmlFor="download-progress">
            {download.totalBytes > 0 ? t('launch.download', { percent: download.percent }) : t('launch.downloadBytes', { mb: (download.currentBytes / 1e6).toFixed(1) })}
          </label>
          <progress id="download-progress" max={100} value={download.percent} />
        </div>
      ) : null}
      {pull ? (
        <div className="progress-block" data-testid="pull">
          <label htmlFor="pull-progress">{t('launch.pull', { percent: pull.percent })}</label>
          <progress id="pull-progress" max={100} value={pull.percent} />
          <p className="muted small pull-facts">
            <span data-testid="pull-bytes">
              {pull.totalBytes > 0 ? t('launch.pullBytes', { current: bytesText(pull.currentBytes), total: bytesText(pull.totalBytes) }) : pull.percent >= 100 ? t('launch.pullCached') : t('launch.pullStarting')}
            </span>
            {pull.layers.total > 0 ? <span data-testid="pull-layers">{t('launch.pullLayers', { done: pull.layers.done, total: pull.layers.total })}</span> : null}
            {pullRate !== undefined && pull.currentBytes > 0 ? (
              <span data-testid="pull-rate">{pull.percent < 100 ? t('launch.pullRate', { rate: bytesText(pullRate) }) : t('launch.pullRateAverage', { rate: bytesText(pullRate) })}</span>
            ) : null}
          </p>
          {pull.perLayer && pull.perLayer.length > 0 ? <PullLayers layers={pull.perLayer} /> : null}
        </div>
      ) : null}
    </div>
  );
}
