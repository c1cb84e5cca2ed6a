import { readFileSync } from 'node:fs';
import { redactSecrets } from '../core/log/redact.ts';
import { commands } from './commands/index.ts';
import { reasonOf } from '../core/reasons/reason-of.ts';
import { UsageError, type CliIO } from './command.ts';
import { exitCodeOfReason } from './exit-codes.ts';

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
    '--version prints the version.',
    '',
    "Run 'gateway-tray <command> --help' for a command's options.",
  ];
  return lines.join('\n');
}

/** The version in package.json, which `npm version` keeps. */
export function cliVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/** Dispatches argv to a command and turns every failure into a message and an exit code. */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(helpText());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-V' || name === 'version') {
    io.out(`gateway-tray ${cliVersion()}`);
    return 0;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    io.err(`gateway-tray: unknown command '${name}'.\n\n${helpText()}`);
    return 2;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.usage);
    return 0;
  }
  const cancel = command.cancellable && !io.signal ? cancelOnSigint(io) : undefined;
  try {
    return await command.run(rest, cancel ? { ...io, signal: cancel.signal } : io);
  } catch (err) {
    if (cancel?.signal.aborted) {
      io.err(redactSecrets(`gateway-tray ${name}: ${err instanceof Error ? err.message : String(err)}`));
      return EXIT_CANCELLED;
    }
    if (err instanceof UsageError) {
      io.err(`gateway-tray ${name}: ${err.message}`);
      return 2;
    }
    io.err(redactSecrets(`gateway-tray ${name}: ${err instanceof Error ? err.message : String(err)}`));
    // The exit code follows the reason (README, "Exit codes"), so a script can tell a busy port from a refused token.
    return exitCodeOfReason(reasonOf(err));
  } finally {
    cancel?.dispose();
  }
}

/** 128 + SIGINT, as a shell reports a command stopped by Ctrl-C. */
export const EXIT_CANCELLED = 130;

/**
 * The first Ctrl-C aborts the returned signal, so the command rolls back; the second quits at once.
 * While it runs, this is the only SIGINT listener: conf's atomic writes pull in when-exit, which answers
 * a SIGINT by raising it again, and that echo would count as the second Ctrl-C. Its exit hooks still
 * run, on 'exit'. The listeners it set aside come back afterwards.
 */
function cancelOnSigint(io: CliIO): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const others = process.rawListeners('SIGINT') as Array<(...args: unknown[]) => void>;
  process.removeAllListeners('SIGINT');
  const onSigint = (): void => {
    if (controller.signal.aborted) process.exit(EXIT_CANCELLED);
    io.err('Cancelling: undoing what was made so far (press Ctrl-C again to quit at once and leave it behind).');
    controller.abort();
  };
  process.on('SIGINT', onSigint);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSigint);
      for (const listener of others) process.on('SIGINT', listener);
    },
  };
}
