import { requireContainer } from '../../core/gateway/restart.ts';
import { openSession } from '../../core/gateway/session.ts';
import type { CliCommand } from '../command.ts';
import { PROFILE_FLAG, parseFlags, positiveInt } from '../flags.ts';

const usage = `Usage: gateway-tray logs [options]

Prints the gateway container's log.

Options:
  -p, --profile NAME   profile (default: the default profile)
  -f, --follow         keep printing new lines until Ctrl-C
  -n, --tail N         only the last N lines (default 200)`;

export const logsCommand: CliCommand = {
  name: 'logs',
  summary: "Print the gateway's log (-f to follow)",
  usage,
  async run(args, io) {
    const { values } = parseFlags(args, { ...PROFILE_FLAG, follow: { type: 'boolean', short: 'f' }, tail: { type: 'string', short: 'n' } }, usage);
    const tail = positiveInt('--tail', values.tail) ?? 200;
    const session = await openSession({ env: io.env, ...(values.profile ? { profile: values.profile } : {}), notice: (l) => io.err(l) });
    const { container } = await requireContainer(session.engine, { home: session.home, profile: session.profile.name }, 'restart');
    const abort = new AbortController();
    const stop = (): void => abort.abort();
    process.once('SIGINT', stop);
    try {
      await session.engine.streamLogs(container.id, (l) => (l.stream === 'stderr' ? io.err(l.line) : io.out(l.line)), { tail, follow: Boolean(values.follow), signal: abort.signal });
    } finally {
      process.off('SIGINT', stop);
    }
    return 0;
  },
};
