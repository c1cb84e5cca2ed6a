import type { Engine } from '../engine/engine.ts';
import { parseAgentStatus } from '../status/agent-status-source.ts';
import type { AgentStatusFile } from '../status/status-inputs.ts';

/** What the agent prints to stderr once per run, at its first accepted heartbeat, before its status (assets/agent status_file.lua). */
export const REGISTERED_PREFIX = 'gateway-tray agent: registered ';

/** The status a registration line carries, or undefined for any other line (or a damaged one). */
export function parseRegisteredLine(line: string): AgentStatusFile | undefined {
  const at = line.indexOf(REGISTERED_PREFIX);
  // The line is written raw, so it starts the log line; a prefix later in the line is someone quoting it.
  if (at !== 0) return undefined;
  return parseAgentStatus(line.slice(REGISTERED_PREFIX.length));
}

export interface AgentLogFollower {
  /** The registration lines seen so far, the latest last. */
  readonly registered: AgentStatusFile[];
  /** True once the log cannot be followed (a logging driver that Docker cannot read back, or an engine error). */
  readonly failed: boolean;
  /** True once the log has ended: the container stopped, or the follower failed. */
  readonly ended: boolean;
  /** Resolves at the next registration line or at the log's end, or after `ms`, whichever is first. */
  next(ms: number): Promise<void>;
  stop(): void;
}

/**
 * Follows a container's log for the agent's registration line. Docker hands a new log line on within a
 * few milliseconds, where reading the status file through the archive API costs 50–150 ms (Docker 20.10
 * runs a helper process for every read of a file that exists). Meant for a container this launch made or
 * started again: read from `sinceMs` (its start), the log holds this run's few lines, not the runs before.
 */
export function followAgentLog(engine: Engine, containerId: string, sinceMs?: number): AgentLogFollower {
  const abort = new AbortController();
  const registered: AgentStatusFile[] = [];
  let failed = false;
  let ended = false;
  let wake: (() => void) | undefined;
  const fire = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  void engine
    .streamLogs(
      containerId,
      ({ stream, line }) => {
        if (stream !== 'stderr') return;
        const status = parseRegisteredLine(line);
        if (!status) return;
        registered.push(status);
        fire();
      },
      { follow: true, signal: abort.signal, ...(sinceMs !== undefined ? { sinceMs } : {}) },
    )
    .catch(() => {
      failed = true;
    })
    .finally(() => {
      ended = true;
      fire();
    });
  return {
    registered,
    get failed() {
      return failed;
    },
    get ended() {
      return ended;
    },
    next(ms: number) {
      if (ended) return new Promise((resolve) => setTimeout(resolve, ms));
      return new Promise<void>((resolve) => {
        const timer = setTimeout(done, ms);
        function done(): void {
          clearTimeout(timer);
          if (wake === done) wake = undefined;
          resolve();
        }
        // One waiter at a time: the registration wait's loop.
        wake = done;
      });
    },
    stop() {
      abort.abort();
      fire();
    },
  };
}
