/** One sub-command of `gateway-tray`. Each lives in its own file under `src/cli/commands`. */
export interface CliCommand {
  name: string;
  /** One line for `gateway-tray --help`. */
  summary: string;
  /** Full usage text for `gateway-tray <name> --help`. */
  usage: string;
  /** Returns the process exit code. */
  run(args: string[], io: CliIO): Promise<number>;
}

export interface CliIO {
  out: (line: string) => void;
  err: (line: string) => void;
  env: NodeJS.ProcessEnv;
}

/** A failure whose message is already written for the user: printed as is, without a stack. */
export class UsageError extends Error {
  override name = 'UsageError';
}
