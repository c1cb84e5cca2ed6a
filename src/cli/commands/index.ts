import type { CliCommand } from '../command.ts';
import { controlPlaneCommand } from './control-plane.ts';
import { doctorCommand } from './doctor.ts';
import { engineCommand } from './engine.ts';
import { launchCommand } from './launch.ts';
import { logsCommand } from './logs.ts';
import { profilesCommand } from './profiles.ts';
import { renewCertCommand } from './renew-cert.ts';
import { restartCommand } from './restart.ts';
import { statusCommand } from './status.ts';
import { stopCommand } from './stop.ts';
import { uiCommand } from './ui.ts';

/** Every sub-command, in the order `--help` lists them. */
export const commands: CliCommand[] = [
  launchCommand,
  statusCommand,
  stopCommand,
  restartCommand,
  logsCommand,
  profilesCommand,
  renewCertCommand,
  doctorCommand,
  engineCommand,
  controlPlaneCommand,
  uiCommand,
];
