import type { PowerMonitorLike } from './electron-api.ts';

/**
 * After sleep or a locked screen every cached fact may be stale (Docker Desktop's VM was paused, the
 * gateway missed heartbeats), so the status is re-probed at once instead of at the next poll.
 * Returns a function that removes the listeners.
 */
export function reprobeOnWake(powerMonitor: PowerMonitorLike, probe: () => Promise<unknown>, onError: (err: unknown) => void = () => {}): () => void {
  const run = (): void => {
    probe().catch(onError);
  };
  powerMonitor.on('resume', run);
  powerMonitor.on('unlock-screen', run);
  return () => {
    powerMonitor.removeListener('resume', run);
    powerMonitor.removeListener('unlock-screen', run);
  };
}
