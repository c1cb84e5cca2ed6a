import type { CliCommand } from '../command.ts';

/**
 * A sub-command as `--help` lists it; its module is imported only when it runs. Each command pulls in a
 * different part of the app (the control plane, the web UI, Docker), and importing all of them made
 * every invocation pay for all of them before doing anything.
 */
export interface CommandEntry {
  name: string;
  /** One line for `gateway-tray --help`; the same as the command's own (a unit test holds them equal). */
  summary: string;
  load(): Promise<CliCommand>;
}

/** Every sub-command, in the order `--help` lists them. */
export const commands: CommandEntry[] = [
  { name: 'launch', summary: 'Launch the gateway and wait until it is registered', load: async () => (await import('./launch.ts')).launchCommand },
  { name: 'status', summary: "Show the gateway's status (--json for scripts, --watch to follow)", load: async () => (await import('./status.ts')).statusCommand },
  { name: 'stop', summary: 'Stop the gateway (--rm to remove its container)', load: async () => (await import('./stop.ts')).stopCommand },
  { name: 'restart', summary: 'Restart the gateway container (recreated when its config is stale)', load: async () => (await import('./restart.ts')).restartCommand },
  { name: 'logs', summary: "Print the gateway's log (-f to follow)", load: async () => (await import('./logs.ts')).logsCommand },
  { name: 'profiles', summary: 'List, add, re-token, choose or remove profiles (local or cloud control planes)', load: async () => (await import('./profiles.ts')).profilesCommand },
  { name: 'renew-cert', summary: "Renew the gateway's certificate and restart it", load: async () => (await import('./renew-cert.ts')).renewCertCommand },
  { name: 'orphans', summary: 'List gateways whose profile is gone; adopt or remove them', load: async () => (await import('./orphans.ts')).orphansCommand },
  { name: 'doctor', summary: 'Check the setup and say how to fix what is wrong', load: async () => (await import('./doctor.ts')).doctorCommand },
  { name: 'engine', summary: 'Show the Docker endpoint in use, why, and its version', load: async () => (await import('./engine.ts')).engineCommand },
  {
    name: 'control-plane',
    summary: 'Run the local control plane (management API + mTLS data-plane endpoint); status, stop',
    load: async () => (await import('./control-plane.ts')).controlPlaneCommand,
  },
  { name: 'ui', summary: 'Serve the Gateway Tray window to a browser (ui --web)', load: async () => (await import('./ui.ts')).uiCommand },
];
