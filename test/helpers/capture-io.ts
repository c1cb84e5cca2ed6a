import type { CliIO } from '../../src/cli/command.ts';

/** A CliIO that records what a command prints, for assertions. */
export function captureIO(env: NodeJS.ProcessEnv = process.env): CliIO & { stdout(): string; stderr(): string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    env,
    stdout: () => out.join('\n'),
    stderr: () => err.join('\n'),
  };
}
