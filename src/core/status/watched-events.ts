import { CONTAINER_STATE_ACTIONS, changesContainerState } from '../engine/events.ts';
import { managedLabelFilters } from '../engine/labels.ts';
import type { EngineEvent } from '../engine/types.ts';

/** What Docker sends the watcher: state changes of our gateway containers, nothing else. */
export const WATCHED_EVENTS: Record<string, string[]> = { type: ['container'], label: managedLabelFilters(), event: [...CONTAINER_STATE_ACTIONS] };

/**
 * WATCHED_EVENTS narrowed to the watched gateway: its instance's containers once its id is known, else
 * its profile's (a launch creates the first one). Every test and every other home on the machine runs
 * managed containers too; Docker drops their events instead of this process parsing each one (labels
 * are ANDed).
 */
export function watchedEventFilters(profile: string, instanceId: string | undefined): Record<string, string[]> {
  return { ...WATCHED_EVENTS, label: managedLabelFilters(instanceId === undefined ? { profile } : { profile, instanceId }) };
}

// A daemon that exits or restarts closes the events stream at once; the ping is only for one that hangs.
export const ENGINE_HEALTH_MS = 30_000;

/**
 * Whether a Docker event changes the state of the watched gateway's container: the instance's, or the
 * container last seen. The instance id is asked for only when the event could be ours (it reads a file).
 */
export function changesWatchedContainer(event: EngineEvent, instanceId: () => string | undefined, containerId: string | undefined): boolean {
  // Docker filters already; this also holds for an engine that sends everything.
  if (!changesContainerState(event) || event.type !== 'container' || !event.managed) return false;
  const id = instanceId();
  return (id !== undefined && event.instanceId === id) || event.containerId === containerId;
}
