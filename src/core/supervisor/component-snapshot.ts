import type { ComponentPhase } from './component-state.ts';

export type ComponentId = 'etcd' | 'control-plane';

/** Where a component runs and what it answers on: what the Components view shows beside its state. */
export interface ComponentFacts {
  pid?: number;
  /** The Docker id, when it runs as a container. */
  container?: string;
  url?: string;
  port?: number;
  logFile?: string;
}

/** One component as its supervisor sees it; plain data, so it crosses IPC as it is. */
export interface ComponentSnapshot extends ComponentFacts {
  id: ComponentId;
  phase: ComponentPhase;
  reason?: string;
  /** Whether `restartComponent` can restart it from here (false: another process, or this one, runs it). */
  restartable: boolean;
  /** Who runs it: this app (started or restarted it), another process (adopted), or an address the user named. */
  owner: 'this-app' | 'other-process' | 'external';
  /** Restarts since it last ran for a stable minute. */
  restarts: number;
  /** When the phase was entered, RFC 3339. */
  since: string;
  /** The last health check, RFC 3339 (absent before the first). */
  checkedAt?: string;
}
