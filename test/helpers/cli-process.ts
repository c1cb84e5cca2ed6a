import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** The CLI as a user runs it: a process of its own, so a background control plane it starts outlives it. */
export const CLI_COMMAND = [process.execPath, '--import', 'tsx', join(import.meta.dirname, '../../src/cli/main.ts')];

export interface CliOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `gateway-tray ARGS` in its own process with `env`; a non-zero exit is an outcome, not an error. */
export async function runCliProcess(env: NodeJS.ProcessEnv, ...args: string[]): Promise<CliOutcome> {
  try {
    const r = await run(CLI_COMMAND[0] as string, [...CLI_COMMAND.slice(1), ...args], { env });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
