import type { CliCommand } from '../command.ts';

/** Every sub-command, in the order `--help` lists them. */
export const commands: CliCommand[] = [];
