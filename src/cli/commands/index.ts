import type { CliCommand } from '../command.ts';
import { controlPlaneCommand } from './control-plane.ts';
import { engineCommand } from './engine.ts';

/** Every sub-command, in the order `--help` lists them. */
export const commands: CliCommand[] = [engineCommand, controlPlaneCommand];
