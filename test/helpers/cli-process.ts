import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildIfChanged, MAIN } from '../../scripts/build-if-changed.ts';

const run = promisify(execFile);

// Built here, once per test process and only when src/ changed since the last build, so that no test
// ever runs a CLI older than the code beside it.
await buildIfChanged(MAIN);

/**
 * The CLI as a user runs it: built, in a process of its own, so a background control plane it starts
 * outlives it. Built (one bundle, scripts/build-cli.ts) rather than under tsx: a start costs 0.7–0.85 s
 * of CPU here against 2 s, and the suite starts it hundreds of times.
 */
export const CLI_ARGS = [join(import.meta.dirname, '../../dist/cli/main.js')];
export const CLI_COMMAND = [process.execPath, ...CLI_ARGS];

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
