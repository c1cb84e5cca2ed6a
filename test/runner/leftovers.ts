/**
 * What a unit file may leave behind in the process it shares with other unit files, compared once it
 * has ended: environment and working folder against the moment before it loaded; globals, handlers on
 * `process`, and handles that keep the event loop alive (servers, sockets, timers, child processes)
 * against the moment after it loaded and before its tests ran. Loading a module may set up things
 * once per process (zod's registry, undici's dispatcher, an exit handler of a helper), and the module
 * cache shares them by design; what the tests set up and leave is the file's. A file that leaves any
 * of these is failed by name, so that the next file in its shard never runs in a changed world.
 */

/**
 * Not 'exit': its handlers run only when the shard ends, so they change nothing for the next file, and
 * helpers add one lazily, once per process (test/helpers/free-port.ts).
 */
const PROCESS_EVENTS = ['beforeExit', 'uncaughtException', 'unhandledRejection', 'warning', 'SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/** Requests in flight come and go by themselves; only handles that stay open count. */
const TRANSIENT = new Set(['FSReqCallback', 'FSReqPromise', 'GetAddrInfoReqWrap', 'GetNameInfoReqWrap', 'QueryReqWrap', 'ShutdownWrap', 'WriteWrap', 'FileHandleCloseReq', 'ZlibWrap']);

export interface Snapshot {
  env: Record<string, string | undefined>;
  cwd: string;
  globals: Set<string>;
  listeners: Record<string, number>;
  handles: Record<string, number>;
}

function handles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) if (!TRANSIENT.has(type)) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

/** `loaded`: the same snapshot after the file loaded, for what loading may set up once per process. */
export function snapshot(): Snapshot {
  return {
    env: { ...process.env },
    cwd: process.cwd(),
    // Symbol keys are libraries' once-per-process registries, some made lazily (undici's dispatcher on
    // the first fetch, graceful-fs's queue); a file that sets a global by name is what is looked for.
    globals: new Set(Object.getOwnPropertyNames(globalThis)),
    listeners: Object.fromEntries(PROCESS_EVENTS.map((e) => [e, process.listenerCount(e)])),
    handles: handles(),
  };
}

/** What changed since `before` (env, cwd) and `loaded` (the rest), one phrase each; empty when nothing did. */
export function leftovers(before: Snapshot, loaded: Snapshot): string[] {
  const after = snapshot();
  const out: string[] = [];
  const keys = new Set([...Object.keys(before.env), ...Object.keys(after.env)]);
  const changed = [...keys].filter((k) => before.env[k] !== after.env[k]).sort();
  if (changed.length > 0) out.push(`process.env ${changed.join(', ')} changed (names only)`);
  if (after.cwd !== before.cwd) out.push(`the working folder changed to ${after.cwd}`);
  const globals = [...after.globals].filter((g) => !loaded.globals.has(g));
  if (globals.length > 0) out.push(`new globals ${globals.join(', ')}`);
  for (const e of PROCESS_EVENTS) {
    const more = (after.listeners[e] ?? 0) - (loaded.listeners[e] ?? 0);
    if (more > 0) out.push(`${more} more process.on('${e}') handler(s)`);
  }
  for (const [type, n] of Object.entries(after.handles)) {
    const more = n - (loaded.handles[type] ?? 0);
    if (more > 0) out.push(`${more} more open ${type}`);
  }
  return out;
}
