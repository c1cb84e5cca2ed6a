import { useCallback, useEffect, useRef, useState } from 'react';
import type { LaunchProgressEvent } from '../../../src/contract/ipc-contract.ts';
import { useApi } from '../hooks/api-context.ts';
import type { StageState } from '../view/state-view.ts';
import type { StageTiming } from '../wizard/LaunchStages.tsx';
import { PullRate } from '../wizard/pull-rate.ts';

export interface LaunchProgress {
  states: Record<string, StageState>;
  timings: Record<string, StageTiming>;
  pull: LaunchProgressEvent['pull'] | undefined;
  pullRate: number | undefined;
  download: LaunchProgressEvent['download'] | undefined;
  /** The latest event seen: fresher than a status snapshot read a moment ago. */
  latest: LaunchProgressEvent | undefined;
  /** The stage that ran last (a ref: a failure arrives in an older closure). */
  current: { readonly current: string | undefined };
  /** Forget everything: a new launch starts. */
  reset: () => void;
  /** Marks a stage failed, and its clock stopped. */
  fail: (stage: string) => void;
}

/**
 * Follows the launch events: each stage's state and duration, the module download, the pull with its
 * speed. One hook for every view of a launch (the wizard's step, the dashboard's card), so they agree.
 */
export function useLaunchProgress(): LaunchProgress {
  const api = useApi();
  const [states, setStates] = useState<Record<string, StageState>>({});
  const [timings, setTimings] = useState<Record<string, StageTiming>>({});
  const [pull, setPull] = useState<LaunchProgressEvent['pull']>();
  const [pullRate, setPullRate] = useState<number>();
  const [download, setDownload] = useState<LaunchProgressEvent['download']>();
  const [latest, setLatest] = useState<LaunchProgressEvent>();
  const current = useRef<string>(undefined);
  const rate = useRef(new PullRate());

  useEffect(
    () =>
      api.on('launchProgress', (p) => {
        const at = Date.now();
        current.current = p.stage;
        setLatest(p);
        setStates((s) => ({ ...s, [p.stage]: p.status }));
        setTimings((tm) => {
          const was = tm[p.stage] ?? {};
          const startedAt = was.startedAt ?? at;
          return { ...tm, [p.stage]: p.status === 'done' || p.status === 'skipped' ? { startedAt, endedAt: at } : { startedAt } };
        });
        // The pull's clock starts with the image stage: a fast pull may send a single progress event.
        if (p.stage === 'image' && p.status === 'start') rate.current.add(at, 0);
        if (p.pull) {
          rate.current.add(at, p.pull.currentBytes);
          setPull(p.pull);
          // While it runs, the recent speed; once done, the whole pull's.
          setPullRate(p.pull.percent >= 100 ? rate.current.average() : rate.current.perSecond());
        }
        if (p.download) setDownload(p.download);
      }),
    [api],
  );

  const reset = useCallback(() => {
    setStates({});
    setTimings({});
    setPull(undefined);
    setPullRate(undefined);
    setDownload(undefined);
    setLatest(undefined);
    rate.current.reset();
    current.current = undefined;
  }, []);
  const fail = useCallback((stage: string) => {
    const at = Date.now();
    setStates((s) => ({ ...s, [stage]: 'failed' }));
    setTimings((tm) => ({ ...tm, [stage]: { ...tm[stage], endedAt: at } }));
  }, []);
  return { states, timings, pull, pullRate, download, latest, current, reset, fail };
}
