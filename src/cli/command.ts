/** One sub-command of `gateway-tray`. Each lives in its own file under `src/cli/commands`. */
export interface CliCommand {
  name: string;
  /** One line for `gateway-tray --help`. */
  summary: string;
  /** Full usage text for `gateway-tray <name> --help`. */
  usage: string;
  /** Returns the process exit code. */
  run(args: string[], io: CliIO): Promise<number>;
  /**
   * Ctrl-C aborts `io.signal` (and the command rolls back) instead of killing the process; a second
   * Ctrl-C still quits at once. Commands without it keep the default or their own SIGINT handling.
   */
  cancellable?: boolean;
}

export interface CliIO {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
  /** Aborted when the user asks to cancel (Ctrl-C in a cancellable command). */
  signal?: AbortSignal;
}

/** A failure whose message is already written for the user: printed as is, without a stack. */
export class UsageError extends Error {
  override name = 'UsageError';
}
