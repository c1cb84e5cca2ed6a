import { redactSecrets } from '../core/log/redact.ts';
import { commands } from './commands/index.ts';
import { UsageError, type CliIO } from './command.ts';

export function helpText(): string {
  const width = Math.max(8, ...commands.map((c) => c.name.length));
  const lines = [
    'Usage: gateway-tray <command> [options]',
    '',
    'Run a local Apache APISIX gateway in Docker, connected to a control plane.',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Environment:',
    '  GATEWAY_TRAY_HOME  where settings and data live (default ~/.gateway-tray)',
    '',
    "Run 'gateway-tray <command> --help' for a command's options.",
  ];
  return lines.join('\n');
}

/** Dispatches argv to a command and turns every failure into a message and an exit code. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(helpText());
    return name ? 0 : 2;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.err(`gateway-tray: unknown command '${name}'.\n\n${helpText()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.usage);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`gateway-tray ${name}: ${err.message}`);
      return 2;
    }
    io.err(redactSecrets(`gateway-tray ${name}: ${err instanceof Error ? err.message : String(err)}`));
    return 1;
  }
}
